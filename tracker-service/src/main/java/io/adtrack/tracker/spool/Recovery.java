package io.adtrack.tracker.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an earlier process left in the spool directory, read once at open: every segment is scanned frame by frame
 * (checksums included) to count what will be sent again and what was lost to damage, and to find the next sequence
 * number. Damage never fails the open: each damaged region is logged (WARN) and counted; the intact records before
 * and after it are kept. Records lost are counted from the gaps in the sequence numbers of the intact ones, plus
 * one for a torn tail (bytes after the last intact record of a segment: a write cut short).
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /**
   * @param segments     the segments found, oldest first
   * @param replayable   intact records at or above the watermark: they will be sent again
   * @param skipped      records lost to damage
   * @param nextSequence the first sequence number for new records: above everything found and the watermark
   */
  record Result(List<Segment> segments, long replayable, long replayableRecordBytes, long skipped, long nextSequence,
      long bytes) {
  }

  private Recovery() {
  }

  static Result scan(Path directory, long watermark) throws IOException {
    Files.deleteIfExists(directory.resolve("checkpoint.tmp"));
    TreeMap<Long, Path> files = segmentFiles(directory);
    List<Segment> segments = new ArrayList<>();
    long replayable = 0;
    long replayableRecordBytes = 0;
    long skipped = 0;
    long bytes = 0;
    long nextSequence = watermark;
    for (var entry : files.entrySet()) {
      long firstSequence = entry.getKey();
      Path file = entry.getValue();
      nextSequence = Math.max(nextSequence, firstSequence + 1);
      long size = Files.size(file);
      if (size == 0) {
        Files.delete(file);
        continue;
      }
      long found = 0;
      long lastIntactEnd = 0;
      try (FrameScanner scanner = FrameScanner.open(file, firstSequence)) {
        for (FrameScanner.Step step; (step = scanner.next(size)) != FrameScanner.Step.END; ) {
          if (step == FrameScanner.Step.RECORD) {
            found++;
            lastIntactEnd = scanner.position();
            nextSequence = Math.max(nextSequence, scanner.sequence() + 1);
            if (scanner.sequence() >= watermark) {
              replayable++;
              replayableRecordBytes += scanner.recordBytes();
            }
          } else {
            LOG.warn("Spool segment {}: skipped bytes {}..{}, {}", file, scanner.skippedFrom(), scanner.skippedTo(),
                scanner.skipReason());
          }
        }
        long lost = scanner.missingRecords() + (lastIntactEnd < size ? 1 : 0);
        if (lost > 0) {
          LOG.warn("Spool segment {}: {} intact records kept, {} lost to damage", file, found, lost);
        }
        skipped += lost;
      }
      segments.add(Segment.recovered(file, firstSequence, size));
      bytes += size;
    }
    if (!segments.isEmpty()) {
      LOG.info("Spool {}: {} segments ({} bytes) from an earlier run; {} records to send again (from sequence {}),"
          + " {} lost to damage", directory, segments.size(), bytes, replayable, watermark, skipped);
    }
    return new Result(segments, replayable, replayableRecordBytes, skipped, nextSequence, bytes);
  }

  private static TreeMap<Long, Path> segmentFiles(Path directory) throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.seg")) {
      for (Path file : entries) {
        OptionalLong firstSequence = Segment.firstSequenceOf(file);
        if (firstSequence.isPresent() && Files.isRegularFile(file)) {
          files.put(firstSequence.getAsLong(), file);
        } else {
          LOG.warn("Spool directory {}: ignoring {}, which is not a segment this spool wrote", directory, file);
        }
      }
    }
    return files;
  }
}
