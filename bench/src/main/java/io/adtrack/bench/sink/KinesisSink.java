package io.adtrack.bench.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kinesis-protocol HTTP endpoint that answers PutRecords with success at any rate and counts what it got, so a
 * benchmark measures the tracker and not an emulator.
 *
 * <p>It speaks both wire formats of the AWS SDK, chosen per request by its Content-Type: CBOR
 * ({@code application/x-amz-cbor-1.1}, the SDK's default and so what the tracker sends in production) and JSON
 * ({@code application/x-amz-json-1.1}, an SDK with {@code aws.cborEnabled=false} / {@code CBOR_ENABLED=false}).
 * Every answer, errors included, goes back in the request's format.
 *
 * <p>It can be told to fail a share of records (ErrorCode ProvisionedThroughputExceededException, as Kinesis does
 * when a shard is over its limit), to delay every answer, or to hold all answers until released (a stalled
 * stream). Other operations the tracker may call at start-up (DescribeStreamSummary, DescribeStream, ListShards,
 * CreateStream, PutRecord) get a sane answer for a one-shard ACTIVE stream.
 *
 * <p>Control, for the runner when the sink runs as a child process (plain JSON whatever the runner's SDK setting):
 * {@code GET /_sink/stats}, {@code POST /_sink/reset},
 * {@code POST /_sink/config?failShare=0.1&delayMillis=200&hold=true}.
 */
public final class KinesisSink extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisSink.class);
  private static final String TARGET_PREFIX = "Kinesis_20131202.";
  private static final String SHARD = "shardId-000000000000";
  private static final String SEQUENCE_PREFIX = "49600000000000000000000000000000000000000000000000000000";
  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  // PutRecords answers are written per record: field names and constant values encoded once.
  private static final SerializableString SEQUENCE_NUMBER = new SerializedString("SequenceNumber");
  private static final SerializableString SHARD_ID = new SerializedString("ShardId");
  private static final SerializableString SHARD_VALUE = new SerializedString(SHARD);
  private static final SerializableString ERROR_CODE = new SerializedString("ErrorCode");
  private static final SerializableString ERROR_MESSAGE = new SerializedString("ErrorMessage");
  private static final SerializableString THROTTLED_CODE =
      new SerializedString("ProvisionedThroughputExceededException");
  private static final SerializableString THROTTLED_MESSAGE =
      new SerializedString("Rate exceeded for shard " + SHARD + " (bench sink)");

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
    Protocol protocol = Protocol.of(request.getHeader(HttpHeaders.CONTENT_TYPE));
    stats.request(protocol);
    String target = request.getHeader("X-Amz-Target");
    if (request.method() != HttpMethod.POST || target == null || !target.startsWith(TARGET_PREFIX)) {
      send(request.response(), protocol, () -> error(protocol, "UnknownOperationException", "not a Kinesis call"));
      return;
    }
    String operation = target.substring(TARGET_PREFIX.length());
    request.body()
        .onSuccess(body -> respond(request.response(), protocol, () -> answer(protocol, operation, body)))
        .onFailure(e -> LOG.warn("could not read a {} request", operation, e));
  }

  /** Sends the answer now, later, or when released, as configured. */
  private void respond(HttpServerResponse response, Protocol protocol, Answer answer) {
    Runnable send = () -> send(response, protocol, answer);
    if (hold) {
      held.add(send);
    } else if (delayMillis > 0) {
      vertx.setTimer(delayMillis, id -> send.run());
    } else {
      send.run();
    }
  }

  private static void send(HttpServerResponse response, Protocol protocol, Answer answer) {
    Answer.Result result;
    try {
      result = answer.compute();
    } catch (IOException e) {
      // Only a bug in the sink's own writing can get here: the body is written into memory.
      LOG.error("could not write an answer", e);
      result = new Answer.Result(500, Buffer.buffer());
    }
    response.setStatusCode(result.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, protocol.contentType)
        .end(result.body());
  }

  private Answer.Result answer(Protocol protocol, String operation, Buffer body) throws IOException {
    if ("PutRecords".equals(operation)) {
      return putRecords(protocol, body);
    }
    stats.otherCall(operation);
    Map<String, String> fields;
    try {
      fields = textFields(protocol, body);
    } catch (IOException e) {
      return error(protocol, "SerializationException", e.getMessage());
    }
    String stream = streamName(fields);
    return switch (operation) {
      case "PutRecord" -> {
        stats.putRecords(stream, List.of(fields.getOrDefault("PartitionKey", "")), 0, 0);
        yield ok(protocol, out -> {
          out.writeStringField("SequenceNumber", nextSequence());
          out.writeStringField("ShardId", SHARD);
        });
      }
      case "DescribeStreamSummary" -> ok(protocol, out -> {
        out.writeObjectFieldStart("StreamDescriptionSummary");
        writeSummary(protocol, out, stream);
        out.writeEndObject();
      });
      case "DescribeStream" -> ok(protocol, out -> {
        out.writeObjectFieldStart("StreamDescription");
        writeSummary(protocol, out, stream);
        out.writeArrayFieldStart("Shards");
        writeShard(out);
        out.writeEndArray();
        out.writeBooleanField("HasMoreShards", false);
        out.writeEndObject();
      });
      case "ListShards" -> ok(protocol, out -> {
        out.writeArrayFieldStart("Shards");
        writeShard(out);
        out.writeEndArray();
      });
      case "CreateStream", "AddTagsToStream", "IncreaseStreamRetentionPeriod" -> ok(protocol, Fields.NONE);
      case "ListStreams" -> ok(protocol, out -> {
        out.writeArrayFieldStart("StreamNames");
        out.writeString(stream);
        out.writeEndArray();
        out.writeBooleanField("HasMoreStreams", false);
      });
      default -> error(protocol, "UnknownOperationException", operation + " is not served by the sink");
    };
  }

  private Answer.Result putRecords(Protocol protocol, Buffer body) throws IOException {
    PutRecordsRequest request;
    try {
      request = PutRecordsRequest.parse(protocol.factory, body.getBytes());
    } catch (IOException e) {
      return error(protocol, "SerializationException", e.getMessage());
    }
    int count = request.partitionKeys().size();
    List<String> accepted = new ArrayList<>(count);
    long acceptedBytes = 0;
    int failed = 0;
    Body answer = new Body(protocol, 64 + count * 80);
    JsonGenerator out = answer.out;
    out.writeArrayFieldStart("Records");
    for (int i = 0; i < count; i++) {
      out.writeStartObject();
      if (failShare > 0 && random.nextDouble() < failShare) {
        failed++;
        out.writeFieldName(ERROR_CODE);
        out.writeString(THROTTLED_CODE);
        out.writeFieldName(ERROR_MESSAGE);
        out.writeString(THROTTLED_MESSAGE);
      } else {
        accepted.add(request.partitionKeys().get(i));
        acceptedBytes += request.dataBytes().get(i);
        out.writeFieldName(SEQUENCE_NUMBER);
        out.writeString(nextSequence());
        out.writeFieldName(SHARD_ID);
        out.writeString(SHARD_VALUE);
      }
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeNumberField("FailedRecordCount", failed);
    out.writeStringField("EncryptionType", "NONE");
    stats.putRecords(request.stream(), accepted, acceptedBytes, failed);
    return answer.end(200);
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

  /** The top-level text fields of a request other than PutRecords: StreamName, StreamARN, PartitionKey... */
  private static Map<String, String> textFields(Protocol protocol, Buffer body) throws IOException {
    Map<String, String> fields = new HashMap<>();
    try (JsonParser parser = protocol.factory.createParser(body.getBytes())) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return fields;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new IOException("expected an object but got " + first);
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        if (parser.nextToken() == JsonToken.VALUE_STRING) {
          fields.put(field, parser.getText());
        } else {
          parser.skipChildren();
        }
      }
    }
    return fields;
  }

  private static String streamName(Map<String, String> fields) {
    String arn = fields.get("StreamARN");
    return fields.getOrDefault("StreamName", arn == null ? "unknown" : arn.substring(arn.lastIndexOf('/') + 1));
  }

  private static void writeSummary(Protocol protocol, JsonGenerator out, String stream) throws IOException {
    out.writeStringField("StreamName", stream);
    out.writeStringField("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream);
    out.writeStringField("StreamStatus", "ACTIVE");
    out.writeObjectFieldStart("StreamModeDetails");
    out.writeStringField("StreamMode", "PROVISIONED");
    out.writeEndObject();
    out.writeNumberField("RetentionPeriodHours", 24);
    out.writeFieldName("StreamCreationTimestamp");
    protocol.writeTimestamp(out, CREATED);
    out.writeArrayFieldStart("EnhancedMonitoring");
    out.writeStartObject();
    out.writeArrayFieldStart("ShardLevelMetrics");
    out.writeEndArray();
    out.writeEndObject();
    out.writeEndArray();
    out.writeStringField("EncryptionType", "NONE");
    out.writeNumberField("OpenShardCount", 1);
    out.writeNumberField("ConsumerCount", 0);
  }

  private static void writeShard(JsonGenerator out) throws IOException {
    out.writeStartObject();
    out.writeStringField("ShardId", SHARD);
    out.writeObjectFieldStart("HashKeyRange");
    out.writeStringField("StartingHashKey", "0");
    out.writeStringField("EndingHashKey", "340282366920938463463374607431768211455");
    out.writeEndObject();
    out.writeObjectFieldStart("SequenceNumberRange");
    out.writeStringField("StartingSequenceNumber", SEQUENCE_PREFIX);
    out.writeEndObject();
    out.writeEndObject();
  }

  private static Answer.Result ok(Protocol protocol, Fields fields) throws IOException {
    Body answer = new Body(protocol, 512);
    fields.write(answer.out);
    return answer.end(200);
  }

  /** A 400 with the error's type and message, as the SDK reads them in either protocol. */
  private static Answer.Result error(Protocol protocol, String type, String message) throws IOException {
    Body answer = new Body(protocol, 128);
    answer.out.writeStringField("__type", type);
    answer.out.writeStringField("message", message);
    return answer.end(400);
  }

  /** The two wire formats of the SDK's Kinesis client: the same fields, encoded as JSON or as CBOR. */
  enum Protocol {
    JSON(new JsonFactory(), "application/x-amz-json-1.1") {
      @Override
      void writeTimestamp(JsonGenerator out, Instant time) throws IOException {
        // The SDK's JSON protocol reads epoch seconds.
        out.writeNumber(time.getEpochSecond());
      }
    },
    CBOR(new CBORFactory(), "application/x-amz-cbor-1.1") {
      @Override
      void writeTimestamp(JsonGenerator out, Instant time) throws IOException {
        // As the SDK writes them itself: tag 1 (epoch-based date/time), then epoch milliseconds, which its CBOR
        // unmarshaller reads back.
        ((CBORGenerator) out).writeTag(1);
        out.writeNumber(time.toEpochMilli());
      }
    };

    final JsonFactory factory;
    final String contentType;

    Protocol(JsonFactory factory, String contentType) {
      this.factory = factory;
      this.contentType = contentType;
    }

    /** CBOR when the request's Content-Type says so, as the SDK marks it; JSON otherwise. */
    static Protocol of(String contentType) {
      return contentType != null && contentType.contains("cbor") ? CBOR : JSON;
    }

    abstract void writeTimestamp(JsonGenerator out, Instant time) throws IOException;
  }

  /** The fields of an answer's top-level object. */
  @FunctionalInterface
  private interface Fields {
    /** An empty object, the answer of calls that only change state. */
    Fields NONE = out -> {
    };

    void write(JsonGenerator out) throws IOException;
  }

  /** An answer's top-level object, written in the request's protocol into memory. */
  private static final class Body {
    private final ByteArrayOutputStream bytes;
    private final JsonGenerator out;

    Body(Protocol protocol, int sizeHint) throws IOException {
      bytes = new ByteArrayOutputStream(sizeHint);
      out = protocol.factory.createGenerator(bytes);
      out.writeStartObject();
    }

    Answer.Result end(int status) throws IOException {
      out.writeEndObject();
      out.close();
      return new Answer.Result(status, Buffer.buffer(bytes.toByteArray()));
    }
  }

  /** An answer computed when it is sent, so a held call is counted when the stream "recovers". */
  @FunctionalInterface
  private interface Answer {
    Result compute() throws IOException;

    record Result(int status, Buffer body) {
    }
  }
}
