'use strict';
// The dataset bench/data.js loads, in torchnode: synthetic uint8 images [N, 3, 96, 96] augmented
// per sample (random 80x80 crop, random horizontal flip, normalize, Gaussian noise), as a
// torchvision pipeline does. bench/data_torch.py has the same class in Python. DataLoader
// workers make it from this module; the images tensor reaches them shared.
const torch = require('..');

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

class Augment extends torch.utils.data.Dataset {
  constructor(images, labels) {
    super();
    this.images = images;
    this.labels = labels;
    this.mean = torch.tensor(MEAN).reshape(3, 1, 1);
    this.std = torch.tensor(STD).reshape(3, 1, 1);
  }
  get length() {
    return this.images.size(0);
  }
  getItem(i) {
    return torch.scope(() => {
      let x = this.images.index(i).float().div_(255);
      const top = torch.randint(0, 17, [1]).item();
      const left = torch.randint(0, 17, [1]).item();
      x = x.narrow(1, top, 80).narrow(2, left, 80);
      if (torch.rand(1).item() < 0.5) x = x.flip(-1);
      x = x.sub(this.mean).div_(this.std);
      x = x.add_(torch.randnLike(x).mul_(0.05));
      return torch.keep([x, this.labels.index(i)]);
    });
  }
  workerSource() {
    return { module: __filename, exportName: 'Augment', args: [this.images, this.labels] };
  }
}

module.exports = { Augment };
