package dev.remediationstate.store;

import java.util.Optional;

/**
 * Writes an archive page before the state that will refer to it, so a crash leaves at most an
 * unreferenced page and never a reference to a missing one.
 *
 * <p>A page that already exists under the name is:
 *
 * <ul>
 *   <li>adopted when it holds the same entries (a retry, a step re-run after a crash, or a
 *       concurrent writer that started from the same state: pages are cut deterministically);
 *   <li>overwritten, with its own resourceVersion as precondition, when it was cut from another
 *       state and the main state is still the one this write started from. No writer of that other
 *       state can commit any more (its CAS on the main state would fail), so the page is an orphan;
 *   <li>otherwise reported as a conflict: the transaction starts over from a fresh read.
 * </ul>
 */
final class ArchivePageWriter {
  private final StateStore store;

  ArchivePageWriter(StateStore store) {
    this.store = store;
  }

  void write(StateObject page, String mainName, Optional<StateObject> base)
      throws ConflictException {
    try {
      store.create(page);
      return;
    } catch (ConflictException exists) {
      Optional<StateObject> stored = store.read(page.name());
      if (stored.isEmpty()) {
        throw exists; // deleted meanwhile: start over
      }
      if (ArchivePageConfigMap.sameContent(stored.get(), page)) {
        return;
      }
      String ourBase = page.annotations().get(ArchivePageConfigMap.ANNOTATION_BASE);
      String theirBase = stored.get().annotations().get(ArchivePageConfigMap.ANNOTATION_BASE);
      Optional<String> mainNow = store.read(mainName).map(StateObject::resourceVersion);
      Optional<String> mainThen = base.map(StateObject::resourceVersion);
      if (ourBase.equals(theirBase) || !mainNow.equals(mainThen)) {
        throw new ConflictException(
            "configmaps/"
                + page.name()
                + " holds other entries, written from the same or a newer"
                + " state",
            exists);
      }
      store.update(page, stored.get().resourceVersion());
    }
  }
}
