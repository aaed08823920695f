package io.adtrack.bench.spool;

import java.nio.file.Path;
import java.util.List;

/** One store under evaluation, driven the same way as the others by {@link SpoolEvalChild}. */
interface Candidate extends AutoCloseable {

  /** The stores evaluated, by the name the runner and the report use. */
  List<String> NAMES = List.of("segment-log", "chronicle", "tape");

  /** Opens the store in {@code dir}; {@code fsyncMillis} > 0 asks for group commit at that interval. */
  static Candidate open(String name, Path dir, long fsyncMillis) throws Exception {
    return switch (name) {
      case "segment-log" -> new SegmentLogCandidate(dir, fsyncMillis);
      case "chronicle" -> new ChronicleCandidate(dir, fsyncMillis);
      case "tape" -> new TapeCandidate(dir);
      default -> throw new IllegalArgumentException("unknown store " + name);
    };
  }

  /**
   * Appends one record; {@code done} runs once the record is as durable as the mode promises (for a synchronous
   * store, before this returns).
   */
  void append(String id, byte[] data, Runnable done) throws Exception;

  /** How many appends one thread may have outstanding: many for an asynchronous store, one otherwise. */
  int inFlightPerThread();

  /** Up to {@code max} records not handed out yet, oldest first; empty only when there is nothing left to read. */
  List<Rec> read(int max) throws Exception;

  /** The records are stored downstream (given in the order they were read). */
  void acknowledge(List<Rec> records) throws Exception;

  /** Records the store itself reported as damaged and skipped; -1 when it has no such notion. */
  long skipped();

  /** One record read back. */
  record Rec(String id, byte[] data, Object handle) {
  }
}
