package io.adtrack.bench.sink;

import io.adtrack.bench.Args;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kinesis-protocol HTTP endpoint (JSON protocol: the SDK must run with CBOR off) that answers PutRecords with
 * success at any rate and counts what it got, so a benchmark measures the tracker and not an emulator.
 *
 * <p>It can be told to fail a share of records (ErrorCode ProvisionedThroughputExceededException, as Kinesis does
 * when a shard is over its limit), to delay every answer, or to hold all answers until released (a stalled
 * stream). Other operations the tracker may call at start-up (DescribeStreamSummary, DescribeStream, ListShards,
 * CreateStream, PutRecord) get a sane answer for a one-shard ACTIVE stream.
 *
 * <p>Control, for the runner when the sink runs as a child process: {@code GET /_sink/stats},
 * {@code POST /_sink/reset}, {@code POST /_sink/config?failShare=0.1&delayMillis=200&hold=true}.
 */
public final class KinesisSink extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisSink.class);
  private static final String TARGET_PREFIX = "Kinesis_20131202.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String SHARD = "shardId-000000000000";
  private static final String SEQUENCE_PREFIX = "49600000000000000000000000000000000000000000000000000000";
  private static final String THROTTLED = "{\"ErrorCode\":\"ProvisionedThroughputExceededException\","
      + "\"ErrorMessage\":\"Rate exceeded for shard " + SHARD + " (bench sink)\"}";

  private final int requestedPort;
  private final SinkStats stats = new SinkStats();
  private final SplittableRandom random = new SplittableRandom(7);
  private final List<Runnable> held = new ArrayList<>();
  private volatile double failShare;
  private volatile long delayMillis;
  private volatile boolean hold;
  private long sequence;
  private HttpServer server;

  /** A sink listening on {@code port} (0: any free port, see {@link #port()}). */
  public KinesisSink(int port) {
    this.requestedPort = port;
  }

  /** Deploys a sink on {@code vertx}; the future completes once it listens. */
  public static Future<KinesisSink> start(Vertx vertx, int port) {
    KinesisSink sink = new KinesisSink(port);
    return vertx.deployVerticle(sink).map(id -> sink);
  }

  /** Runs the sink on its own: {@code --port P}. */
  public static void main(String[] argv) {
    Args args = Args.parse(argv);
    Vertx vertx = Vertx.vertx();
    start(vertx, args.intValue("port", 4599))
        .onSuccess(sink -> LOG.info("Kinesis sink listening on {}", sink.port()))
        .onFailure(e -> {
          LOG.error("Kinesis sink failed to start", e);
          vertx.close();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    // The SDK's Netty client sends "Expect: 100-continue" with PutRecords; unanswered, it waits ~1 s per call.
    server = vertx.createHttpServer(new HttpServerOptions().setPort(requestedPort)
        .setHandle100ContinueAutomatically(true));
    return server.requestHandler(this::handle).listen();
  }

  public int port() {
    return server.actualPort();
  }

  public SinkStats stats() {
    return stats;
  }

  /** Answers this share (0..1) of the records of each call as throttled. */
  public void failShare(double share) {
    this.failShare = share;
  }

  /** Delays every Kinesis answer by this long (0: answer at once). */
  public void delayMillis(long millis) {
    this.delayMillis = millis;
  }

  /** Holds every Kinesis answer until {@code hold(false)}: the stream stalls. */
  public void hold(boolean stall) {
    context.runOnContext(v -> {
      hold = stall;
      if (!stall) {
        List<Runnable> release = new ArrayList<>(held);
        held.clear();
        release.forEach(Runnable::run);
      }
    });
  }

  private void handle(HttpServerRequest request) {
    if (request.path().startsWith("/_sink/")) {
      control(request);
      return;
    }
    String target = request.getHeader("X-Amz-Target");
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && contentType.contains("cbor")) {
      error(request.response(), 400, "SerializationException", "the bench sink speaks JSON: set CBOR_ENABLED=false");
      return;
    }
    if (request.method() != HttpMethod.POST || target == null || !target.startsWith(TARGET_PREFIX)) {
      error(request.response(), 400, "UnknownOperationException", "not a Kinesis call");
      return;
    }
    String operation = target.substring(TARGET_PREFIX.length());
    request.body()
        .onSuccess(body -> respond(request.response(), () -> answer(operation, body)))
        .onFailure(e -> LOG.warn("could not read a {} request", operation, e));
  }

  /** Sends the answer now, later, or when released, as configured. */
  private void respond(HttpServerResponse response, Answer answer) {
    Runnable send = () -> {
      Answer.Result result = answer.compute();
      response.setStatusCode(result.status())
          .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
          .end(result.body());
    };
    if (hold) {
      held.add(send);
    } else if (delayMillis > 0) {
      vertx.setTimer(delayMillis, id -> send.run());
    } else {
      send.run();
    }
  }

  private Answer.Result answer(String operation, Buffer body) {
    if ("PutRecords".equals(operation)) {
      return putRecords(body);
    }
    stats.otherCall(operation);
    String stream = streamName(body);
    return switch (operation) {
      case "PutRecord" -> {
        stats.putRecords(stream, List.of(new JsonObject(body).getString("PartitionKey", "")), 0, 0);
        yield ok("{\"SequenceNumber\":\"" + nextSequence() + "\",\"ShardId\":\"" + SHARD + "\"}");
      }
      case "DescribeStreamSummary" -> ok(new JsonObject().put("StreamDescriptionSummary", streamSummary(stream))
          .encode());
      case "DescribeStream" -> ok(new JsonObject().put("StreamDescription", streamSummary(stream)
          .put("Shards", List.of(shard())).put("HasMoreShards", false)).encode());
      case "ListShards" -> ok(new JsonObject().put("Shards", List.of(shard())).encode());
      case "CreateStream", "AddTagsToStream", "IncreaseStreamRetentionPeriod" -> ok("{}");
      case "ListStreams" -> ok(new JsonObject().put("StreamNames", List.of(stream)).put("HasMoreStreams", false)
          .encode());
      default -> new Answer.Result(400, Buffer.buffer(new JsonObject()
          .put("__type", "UnknownOperationException").put("message", operation + " is not served by the sink")
          .encode()));
    };
  }

  private Answer.Result putRecords(Buffer body) {
    PutRecordsRequest request;
    try {
      request = PutRecordsRequest.parse(body.getBytes());
    } catch (IOException e) {
      return new Answer.Result(400, Buffer.buffer(new JsonObject().put("__type", "SerializationException")
          .put("message", e.getMessage()).encode()));
    }
    int count = request.partitionKeys().size();
    List<String> accepted = new ArrayList<>(count);
    long acceptedBytes = 0;
    StringBuilder out = new StringBuilder(64 + count * 80).append("{\"Records\":[");
    int failed = 0;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        out.append(',');
      }
      if (failShare > 0 && random.nextDouble() < failShare) {
        failed++;
        out.append(THROTTLED);
      } else {
        accepted.add(request.partitionKeys().get(i));
        acceptedBytes += request.dataBytes().get(i);
        out.append("{\"SequenceNumber\":\"").append(nextSequence()).append("\",\"ShardId\":\"").append(SHARD)
            .append("\"}");
      }
    }
    out.append("],\"FailedRecordCount\":").append(failed).append(",\"EncryptionType\":\"NONE\"}");
    stats.putRecords(request.stream(), accepted, acceptedBytes, failed);
    return ok(out.toString());
  }

  private void control(HttpServerRequest request) {
    HttpServerResponse response = request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    switch (request.path()) {
      case "/_sink/stats" -> response.end(stats.snapshot().toJson().encode());
      case "/_sink/reset" -> {
        stats.reset();
        response.end("{}");
      }
      case "/_sink/config" -> {
        String share = request.getParam("failShare");
        String delay = request.getParam("delayMillis");
        String stall = request.getParam("hold");
        if (share != null) {
          failShare(Double.parseDouble(share));
        }
        if (delay != null) {
          delayMillis(Long.parseLong(delay));
        }
        if (stall != null) {
          hold(Boolean.parseBoolean(stall));
        }
        response.end(new JsonObject().put("failShare", failShare).put("delayMillis", delayMillis)
            .put("hold", stall != null ? Boolean.parseBoolean(stall) : hold).encode());
      }
      default -> response.setStatusCode(404).end("{}");
    }
  }

  private String nextSequence() {
    // Kinesis sequence numbers are 56-digit decimal strings; the SDK only passes them through.
    String digits = Long.toString(++sequence);
    return SEQUENCE_PREFIX.substring(0, SEQUENCE_PREFIX.length() - digits.length()) + digits;
  }

  private static String streamName(Buffer body) {
    try {
      JsonObject json = new JsonObject(body);
      String arn = json.getString("StreamARN");
      return json.getString("StreamName", arn == null ? "unknown" : arn.substring(arn.lastIndexOf('/') + 1));
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private static JsonObject streamSummary(String stream) {
    return new JsonObject()
        .put("StreamName", stream)
        .put("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream)
        .put("StreamStatus", "ACTIVE")
        .put("StreamModeDetails", new JsonObject().put("StreamMode", "PROVISIONED"))
        .put("RetentionPeriodHours", 24)
        .put("StreamCreationTimestamp", Instant.parse("2026-01-01T00:00:00Z").getEpochSecond())
        .put("EnhancedMonitoring", List.of(new JsonObject().put("ShardLevelMetrics", List.of())))
        .put("EncryptionType", "NONE")
        .put("OpenShardCount", 1)
        .put("ConsumerCount", 0);
  }

  private static JsonObject shard() {
    return new JsonObject()
        .put("ShardId", SHARD)
        .put("HashKeyRange", new JsonObject().put("StartingHashKey", "0")
            .put("EndingHashKey", "340282366920938463463374607431768211455"))
        .put("SequenceNumberRange", new JsonObject()
            .put("StartingSequenceNumber", "49600000000000000000000000000000000000000000000000000000"));
  }

  private static Answer.Result ok(String json) {
    return new Answer.Result(200, Buffer.buffer(json));
  }

  private static void error(HttpServerResponse response, int status, String type, String message) {
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .end(new JsonObject().put("__type", type).put("message", message).encode());
  }

  /** An answer computed when it is sent, so a held call is counted when the stream "recovers". */
  @FunctionalInterface
  private interface Answer {
    Result compute();

    record Result(int status, Buffer body) {
    }
  }
}
