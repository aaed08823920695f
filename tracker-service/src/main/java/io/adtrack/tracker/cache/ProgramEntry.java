package io.adtrack.tracker.cache;

import io.adtrack.tracker.program.Program;
import io.adtrack.tracker.program.ProgramChange;

/** What L1 knows about one program id: the program, that it is unknown (for a short while), or that it was deleted. */
public sealed interface ProgramEntry permits ProgramEntry.Known, ProgramEntry.Unknown, ProgramEntry.Deleted {

  /** A program to validate calls against. */
  record Known(Program program) implements ProgramEntry {
  }

  /**
   * Redis had no hash for the id. Kept only until {@code expiresAtNanos} (on the cache's ticker), shorter than the
   * cache's TTL, so a repeated bogus id stays off Redis without hiding a program created soon after; kept in a
   * bounded cache of its own, so bogus ids never push a known program out of L1.
   */
  record Unknown(long expiresAtNanos) implements ProgramEntry {
  }

  /** A tombstone: deleted at {@code version}, so a late, older upsert cannot resurrect the program. */
  record Deleted(long version) implements ProgramEntry {
  }

  /** The entry a change leads to. */
  static ProgramEntry of(ProgramChange change) {
    if (change instanceof ProgramChange.Upsert upsert) {
      return new Known(upsert.program());
    }
    return new Deleted(change.version());
  }

  /**
   * Which of two entries for one id wins: the higher version; on equal versions the current one (a redelivery
   * changes nothing). An {@link Unknown} carries no version: it never replaces a versioned entry and any versioned
   * entry replaces it.
   */
  static ProgramEntry newer(ProgramEntry current, ProgramEntry candidate) {
    if (current == null) {
      return candidate;
    }
    long currentVersion = versionOf(current);
    long candidateVersion = versionOf(candidate);
    if (candidate instanceof Unknown) {
      return current instanceof Unknown ? candidate : current;
    }
    return candidateVersion > currentVersion ? candidate : current;
  }

  private static long versionOf(ProgramEntry entry) {
    if (entry instanceof Known known) {
      return known.program().version();
    }
    if (entry instanceof Deleted deleted) {
      return deleted.version();
    }
    return Long.MIN_VALUE;
  }
}
