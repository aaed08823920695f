package io.adtrack.tracker.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * One segment file, named by the sequence number of its first record. Three parties share it, each with its own
 * fields: the writer appends ({@link #writeChannel}, {@link #writtenEnd}, under its write lock, on whichever thread
 * writes) and publishes how far it may be read ({@link #readableEnd}, then {@link #sealed} once it will not grow);
 * the reader and confirmations count its records under the reader's lock, so the reader can delete the file once
 * every record it held is confirmed.
 */
final class Segment {

  private static final String SUFFIX = ".seg";

  final long firstSequence;
  final Path path;
  /** Found at start-up (written by an earlier process), rather than written by this one. */
  final boolean recovered;

  /** Bytes from the start that hold whole records the reader may take (written, and synced when syncing). */
  volatile long readableEnd;
  /** No byte will be added: once this is seen true, {@link #readableEnd} is final. */
  volatile boolean sealed;

  // Guarded by the writer's write lock.
  FileChannel writeChannel;
  long writtenEnd;
  /** A failed write could not be rolled back: append nothing more here. */
  boolean broken;

  /** Bytes this segment counts against the spool's bound (released when the file is deleted). */
  volatile long accountedBytes;

  // Guarded by the reader's lock.
  /** Records the reader took into its window from this segment, and how many of those were confirmed. */
  long loaded;
  long confirmed;
  boolean fullyRead;

  private Segment(long firstSequence, Path path, boolean recovered) {
    this.firstSequence = firstSequence;
    this.path = path;
    this.recovered = recovered;
  }

  /** A segment an earlier process left: sealed, readable to its last byte. */
  static Segment recovered(Path path, long firstSequence, long size) {
    Segment segment = new Segment(firstSequence, path, true);
    segment.readableEnd = size;
    segment.accountedBytes = size;
    segment.sealed = true;
    return segment;
  }

  /** Creates a new, empty segment file for the writer. */
  static Segment create(Path directory, long firstSequence) throws IOException {
    Segment segment = new Segment(firstSequence, directory.resolve(fileName(firstSequence)), false);
    segment.writeChannel = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return segment;
  }

  static String fileName(long firstSequence) {
    return String.format(Locale.ROOT, "%020d%s", firstSequence, SUFFIX);
  }

  /** The first sequence number a segment file name stands for, if it is one. */
  static OptionalLong firstSequenceOf(Path file) {
    String name = file.getFileName().toString();
    if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(name.substring(0, 20)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Writer: nothing more goes here; closes the write channel. */
  void seal() throws IOException {
    sealed = true;
    FileChannel channel = writeChannel;
    writeChannel = null;
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }
}
