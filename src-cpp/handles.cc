#include "handles.h"

#include <unordered_set>

namespace torchnode {

size_t HandleTable::StorageBytes() const {
  std::unordered_set<const void*> seen;
  size_t bytes = 0;
  for (const auto& t : slots_) {
    if (!t.defined() || !t.has_storage()) continue;
    const auto& storage = t.storage();
    if (seen.insert(storage.unsafeGetStorageImpl()).second) bytes += storage.nbytes();
  }
  return bytes;
}

}  // namespace torchnode
