package io.adtrack.bench.spool;

import com.squareup.tape2.QueueFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Square's Tape {@link QueueFile}: one file, a ring buffer of length-prefixed elements, opened "rwd" (every write
 * synchronous: there is no mode without fsync). Not thread-safe, so appends take turns; removal is from the head
 * only, so acknowledgement is in order.
 */
final class TapeCandidate implements Candidate {

  static final String FILE_NAME = "tape.queue";

  private final QueueFile queue;
  private Iterator<byte[]> reading;

  TapeCandidate(Path dir) throws IOException {
    this.queue = new QueueFile.Builder(dir.resolve(FILE_NAME).toFile()).build();
  }

  @Override
  public synchronized void append(String id, byte[] data, Runnable done) throws IOException {
    byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
    queue.add(ByteBuffer.allocate(2 + idBytes.length + data.length).putShort((short) idBytes.length).put(idBytes)
        .put(data).array());
    done.run();
  }

  @Override
  public int inFlightPerThread() {
    return 1;
  }

  @Override
  public synchronized List<Rec> read(int max) {
    if (reading == null) {
      reading = queue.iterator();
    }
    List<Rec> records = new ArrayList<>();
    while (records.size() < max && reading.hasNext()) {
      ByteBuffer element = ByteBuffer.wrap(reading.next());
      byte[] id = new byte[element.getShort()];
      element.get(id);
      byte[] data = new byte[element.remaining()];
      element.get(data);
      records.add(new Rec(new String(id, StandardCharsets.US_ASCII), data, null));
    }
    return records;
  }

  @Override
  public synchronized void acknowledge(List<Rec> records) throws IOException {
    // Everything read so far is acknowledged here (in order): removing invalidates the iterator.
    queue.remove(records.size());
    reading = null;
  }

  @Override
  public long skipped() {
    return -1;
  }

  @Override
  public synchronized void close() throws IOException {
    queue.close();
  }
}
