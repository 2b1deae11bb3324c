#include "handles.h"

#include <unordered_set>

namespace torchnode {

HandleTable::Bytes HandleTable::StorageBytes() const {
  std::unordered_set<const void*> seen;
  Bytes bytes;
  for (const auto& t : slots_) {
    if (!t.defined() || !t.has_storage() || t.is_meta()) continue;
    const auto& storage = t.storage();
    if (!seen.insert(storage.unsafeGetStorageImpl()).second) continue;
    (storage.device().is_cuda() ? bytes.cuda : bytes.cpu) += storage.nbytes();
  }
  return bytes;
}

}  // namespace torchnode
