"""The Python side of bench/data.js: the same augmented dataset (bench/data_augment.js) through
torch.utils.data.DataLoader, with and without worker processes. Prints JSON timings."""
import json
import sys
import time

import torch

threads, n, workers_list = int(sys.argv[1]), int(sys.argv[2]), [int(w) for w in sys.argv[3].split(",")]
torch.set_num_threads(threads)
MEAN = torch.tensor([0.485, 0.456, 0.406]).reshape(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).reshape(3, 1, 1)


class Augment(torch.utils.data.Dataset):
    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __len__(self):
        return self.images.size(0)

    def __getitem__(self, i):
        x = self.images[i].float().div_(255)
        top = torch.randint(0, 17, [1]).item()
        left = torch.randint(0, 17, [1]).item()
        x = x.narrow(1, top, 80).narrow(2, left, 80)
        if torch.rand(1).item() < 0.5:
            x = x.flip(-1)
        x = x.sub(MEAN).div_(STD)
        x = x.add_(torch.randn_like(x).mul_(0.05))
        return x, self.labels[i]


def main():
    torch.manual_seed(0)
    images = torch.randint(0, 256, [n, 3, 96, 96], dtype=torch.uint8)
    labels = torch.randint(0, 10, [n])
    ds = Augment(images, labels)
    out = {}
    for w in workers_list:
        loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=w, persistent_workers=w > 0)
        t0 = time.perf_counter()
        first = None
        for _ in loader:
            if first is None:
                first = time.perf_counter() - t0
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in loader:
                pass
            best = min(best, time.perf_counter() - t0)
        out[str(w)] = {"first_batch_s": first, "epoch_s": best}
        del loader
    print(json.dumps(out))


if __name__ == "__main__":
    main()
