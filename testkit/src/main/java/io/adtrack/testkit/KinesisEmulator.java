package io.adtrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A real Kinesis emulator in a Node.js child process, on a free port, plain HTTP.
 *
 * <p>{@link #kinesalite()} is fast (~10k records/s) but speaks JSON only: the AWS SDK must run with
 * {@code aws.cborEnabled=false} (the build sets it for tests). {@link #kinesisMock()} (kinesis-local) speaks CBOR
 * too, as real Kinesis does, but is ~10x slower. Kinesalite keeps its data in a directory, so {@link #stop()} and
 * {@link #restart()} simulate an outage without losing records.
 */
public final class KinesisEmulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisEmulator.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** Which emulator to run. */
  public enum Kind { KINESALITE, KINESIS_MOCK }

  private final Kind kind;
  private final int port;
  private final Path dataDir;
  private final KinesisClient client;
  private ChildProcess process;

  private KinesisEmulator(Kind kind, int port) {
    this.kind = kind;
    this.port = port;
    try {
      this.dataDir = Files.createTempDirectory("kinesis-emulator-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.client = newClient();
  }

  /** Starts kinesalite on a free port. */
  public static KinesisEmulator kinesalite() {
    return start(Kind.KINESALITE, FreePorts.next());
  }

  /** Starts kinesis-mock (npm kinesis-local) on a free port, plain HTTP. */
  public static KinesisEmulator kinesisMock() {
    return start(Kind.KINESIS_MOCK, FreePorts.next());
  }

  /** Starts the given emulator on the given port. */
  public static KinesisEmulator start(Kind kind, int port) {
    KinesisEmulator emulator = new KinesisEmulator(kind, port);
    emulator.restart();
    Runtime.getRuntime().addShutdownHook(new Thread(emulator::stop, "kinesis-emulator-shutdown"));
    return emulator;
  }

  public Kind kind() {
    return kind;
  }

  public int port() {
    return port;
  }

  /** {@code http://localhost:port}, the value for AWS_ENDPOINT_URL_KINESIS. */
  public URI endpoint() {
    return URI.create("http://localhost:" + port);
  }

  /** A synchronous client for test set-up and read-back (us-east-1, dummy credentials), closed with this. */
  public KinesisClient client() {
    return client;
  }

  /** Another such client, for a caller that closes what it is given. */
  public KinesisClient newClient() {
    return StandInClients.build(KinesisClient.builder(), endpoint());
  }

  /** Starts the emulator process (again) on the same port; kinesalite finds its earlier data. */
  public synchronized void restart() {
    if (process != null && process.isAlive()) {
      return;
    }
    Path modules = NodeModules.locate();
    List<String> command = kind == Kind.KINESALITE
        ? List.of("node", modules.resolve("kinesalite/cli.js").toString(), "--port", Integer.toString(port),
            "--path", dataDir.toString(), "--createStreamMs", "5", "--deleteStreamMs", "5", "--updateStreamMs", "5",
            "--shardLimit", "1000")
        : List.of("node", modules.resolve("kinesis-local/main.js").toString());
    Map<String, String> env = kind == Kind.KINESALITE ? Map.of() : Map.of(
        "KINESIS_MOCK_CERT_PATH", modules.resolve("kinesis-local/server.json").toString(),
        "KINESIS_MOCK_PLAIN_PORT", Integer.toString(port),
        "KINESIS_MOCK_TLS_PORT", Integer.toString(FreePorts.next()),
        "CREATE_STREAM_DURATION", "0ms",
        "LOG_LEVEL", "WARN");
    try {
      process = ChildProcess.of(kind.name().toLowerCase(Locale.ROOT), command).environment(env)
          .logTo(dataDir.resolve("emulator.log")).start();
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot start " + kind + " (is Node.js installed?)", e.getCause());
    }
    awaitListening();
    LOG.info("{} listening on {}", kind, endpoint());
  }

  /** Stops the emulator process; the port stops answering. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.stop(Duration.ofSeconds(5));
    process = null;
  }

  @Override
  public void close() {
    stop();
    client.close();
  }

  /** Creates a stream with the given shard count and waits until it is ACTIVE (idempotent). */
  public void createStream(String name, int shards) {
    try {
      client.createStream(b -> b.streamName(name).shardCount(shards));
    } catch (ResourceInUseException e) {
      LOG.debug("stream {} exists already", name);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("stream " + name + " not ACTIVE after " + START_TIMEOUT);
      }
      pause(20);
    }
  }

  /** Every record on the stream so far, all shards, from the trim horizon. */
  public List<Record> readAll(String stream) {
    List<Record> records = new ArrayList<>();
    readPages(stream, 10_000, (shardId, page) -> records.addAll(page));
    return records;
  }

  /**
   * Reads every shard from the trim horizon up to what is on it now, handing over each non-empty GetRecords page
   * (at most {@code limit} records) with its shard id, in order.
   */
  public void readPages(String stream, int limit, BiConsumer<String, List<Record>> pages) {
    for (Shard shard : client.listShards(b -> b.streamName(stream)).shards()) {
      String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse response = client.getRecords(b -> b.shardIterator(current).limit(limit));
        if (response.records().isEmpty()) {
          break;
        }
        pages.accept(shard.shardId(), response.records());
        iterator = response.nextShardIterator();
      }
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(kind + " exited with " + process.onExit().join() + "; see "
            + dataDir.resolve("emulator.log"));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("localhost", port), 200);
        return;
      } catch (IOException e) {
        pause(50);
      }
    }
    throw new IllegalStateException(kind + " not listening on " + port + " after " + START_TIMEOUT);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
