package io.adtrack.tracker.cache;

import io.adtrack.tracker.program.Program;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Where L1 loads a program it does not hold (Redis, the L2). */
@FunctionalInterface
public interface ProgramSource {

  /**
   * Loads one program: empty when the source has none; fails with {@link CoreDataUnavailableException} when the
   * source cannot answer in time.
   */
  CompletionStage<Optional<Program>> load(String programId);
}
