package io.adtrack.tracker.spool;

import static io.adtrack.tracker.spool.SpoolTesting.close;
import static io.adtrack.tracker.spool.SpoolTesting.drain;
import static io.adtrack.tracker.spool.SpoolTesting.payload;
import static io.adtrack.tracker.spool.SpoolTesting.result;
import static io.adtrack.tracker.spool.SpoolTesting.segmentFiles;
import static io.adtrack.tracker.spool.SpoolTesting.take;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A spool an earlier process left damaged (a write cut short by a crash, a flipped byte): the open never fails,
 * every intact record is sent again, and what was lost is counted.
 */
class SpoolDamageTest {

  private static final int RECORDS = 50;
  private static final int DATA_BYTES = 400;
  /** Every record has a 6-byte id, so every frame has this size and record k starts at k * FRAME. */
  private static final int FRAME = Frame.size(6, DATA_BYTES);

  @TempDir
  Path dir;
  private Path segment;

  @BeforeEach
  void writeRecords() {
    Spool spool = Spool.open(options());
    for (int i = 0; i < RECORDS; i++) {
      assertThat(result(spool.append(id(i), payload(i, DATA_BYTES)))).isEqualTo(AppendResult.APPENDED);
    }
    close(spool);
    segment = segmentFiles(dir).get(0);
    assertThat(segment).hasSize((long) RECORDS * FRAME);
  }

  @Test
  void aLastRecordCutShortInItsData_isSkippedAndCounted() throws IOException {
    truncate((long) RECORDS * FRAME - 10);

    assertReopenedWith(allBut(49), 1);
  }

  @Test
  void aLastRecordCutShortInItsHeader_isSkippedAndCounted() throws IOException {
    truncate(49L * FRAME + 10);

    assertReopenedWith(allBut(49), 1);
  }

  @ParameterizedTest(name = "byte {0} of a frame ({1})")
  @CsvSource({
      "1, magic",
      "4, length (high byte)",
      "7, length (low byte)",
      "13, sequence",
      "19, append time",
      "25, data checksum",
      "29, header checksum",
      "33, id length",
      "36, id",
      "300, data"
  })
  void aFlippedByteInTheMiddle_losesThatRecordOnly(int offsetInFrame, String field) throws IOException {
    flip(25L * FRAME + offsetInFrame);

    assertReopenedWith(allBut(25), 1);
  }

  @Test
  void aZeroedStretchOverSeveralRecords_losesThoseOnly_countedFromTheSequenceGap() throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(3 * FRAME - 40), 10L * FRAME + 20);
    }

    // Records 10, 11 and 12 are hit; 13 starts 20 bytes after the zeros end and is intact.
    List<String> expected = IntStream.range(0, RECORDS).filter(i -> i < 10 || i > 12).mapToObj(SpoolDamageTest::id)
        .toList();
    assertReopenedWith(expected, 3);
  }

  @Test
  void zerosAfterTheLastRecord_likeAnExtentAllocatedBeforeAPowerLoss_areSkipped() throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(4096), (long) RECORDS * FRAME);
    }

    assertReopenedWith(IntStream.range(0, RECORDS).mapToObj(SpoolDamageTest::id).toList(), 1);
  }

  @Test
  void aDamagedSegment_isStillDeletedOnceItsIntactRecordsAreConfirmed_andTheSpoolCarriesOn() throws IOException {
    flip(7L * FRAME + 7);
    Spool spool = Spool.open(options());
    result(spool.append("new-01", payload(1, 10)));

    List<SpoolRecord> all = drain(spool);
    close(spool);

    assertThat(all).extracting(SpoolRecord::messageId).hasSize(RECORDS).contains("new-01").doesNotContain(id(7));
    assertThat(segmentFiles(dir)).isEmpty();
    Spool reopened = Spool.open(options());
    assertThat(reopened.replayedAtStart()).isZero();
    assertThat(reopened.skippedRecords()).isZero();
    close(reopened);
  }

  @Test
  void aDamagedCheckpoint_meansEverythingIsSentAgain_notThatAnythingIsSkipped() throws IOException {
    // Keep a copy of the segment, which goes once all its records are confirmed.
    Path copy = Files.copy(segment, dir.resolve("copy"));
    Spool spool = Spool.open(options());
    take(spool, RECORDS).forEach(spool::confirm);
    close(spool);
    assertThat(segment).doesNotExist();
    Files.move(copy, segment);
    Path checkpoint = dir.resolve(Checkpoint.FILE_NAME);
    byte[] bytes = Files.readAllBytes(checkpoint);
    bytes[5] ^= 0x40;
    Files.write(checkpoint, bytes);

    assertReopenedWith(IntStream.range(0, RECORDS).mapToObj(SpoolDamageTest::id).toList(), 0);
  }

  private void assertReopenedWith(List<String> expectedIds, long expectedSkipped) {
    Spool spool = Spool.open(options());
    try {
      assertThat(spool.replayedAtStart()).isEqualTo(expectedIds.size());
      assertThat(spool.skippedRecords()).isEqualTo(expectedSkipped);
      List<SpoolRecord> records = take(spool, expectedIds.size());
      assertThat(records).extracting(SpoolRecord::messageId).containsExactlyElementsOf(expectedIds);
      for (SpoolRecord record : records) {
        int i = Integer.parseInt(record.messageId().substring(3));
        assertThat(record.data()).as(record.messageId()).isEqualTo(payload(i, DATA_BYTES));
      }
      // New records go on after the damage, and nothing more was found.
      assertThat(result(spool.append("new-01", payload(1, 10)))).isEqualTo(AppendResult.APPENDED);
      assertThat(take(spool, 1)).extracting(SpoolRecord::messageId).containsExactly("new-01");
      assertThat(spool.skippedRecords()).isEqualTo(expectedSkipped);
    } finally {
      close(spool);
    }
  }

  private SpoolOptions options() {
    return SpoolOptions.of(dir, 16L << 20, Duration.ZERO);
  }

  private void truncate(long size) throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private void flip(long position) throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x01));
      one.rewind();
      channel.write(one, position);
    }
  }

  private static List<String> allBut(int missing) {
    return IntStream.range(0, RECORDS).filter(i -> i != missing).mapToObj(SpoolDamageTest::id).toList();
  }

  private static String id(int i) {
    return String.format("id-%03d", i);
  }
}
