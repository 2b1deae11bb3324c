# Names in Python torch's public API, for doc links in the generated op surface (gen-ops.js).
import json

import torch
import torch.nn.functional as F

out = {
    "torch": sorted(n for n in dir(torch) if not n.startswith("_")),
    "tensor": sorted(n for n in dir(torch.Tensor) if not n.startswith("_")),
    "functional": sorted(n for n in dir(F) if not n.startswith("_")),
    "linalg": sorted(n for n in dir(torch.linalg) if not n.startswith("_")),
    "special": sorted(n for n in dir(torch.special) if not n.startswith("_")),
    "fft": sorted(n for n in dir(torch.fft) if not n.startswith("_")),
}
print(json.dumps(out))
