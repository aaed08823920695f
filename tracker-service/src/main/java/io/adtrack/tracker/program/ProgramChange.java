package io.adtrack.tracker.program;

/** One change of core data, as read from Redis or announced on {@code core-data-updates}. */
public sealed interface ProgramChange permits ProgramChange.Upsert, ProgramChange.Deletion {

  String programId();

  long version();

  /** The program was created or changed. */
  record Upsert(Program program) implements ProgramChange {
    @Override
    public String programId() {
      return program.programId();
    }

    @Override
    public long version() {
      return program.version();
    }
  }

  /** The program was deleted at {@code version}; an older upsert must not bring it back. */
  record Deletion(String programId, long version) implements ProgramChange {
  }
}
