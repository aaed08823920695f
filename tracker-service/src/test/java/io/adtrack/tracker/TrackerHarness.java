package io.adtrack.tracker;

import static org.awaitility.Awaitility.await;

import io.adtrack.conventions.Environment;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.testkit.FreePorts;
import io.adtrack.testkit.KinesisEmulator;
import io.adtrack.testkit.RedisServerFixture;
import io.adtrack.testkit.SystemProperties;
import io.adtrack.testkit.TcpProxy;
import io.adtrack.tracker.config.TrackerConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * A tracker under test with its real stand-ins: Redis (behind a cuttable proxy), kinesalite (behind another), a
 * stream of its own, and blocking helpers to call the tracker, write core data and read the stream back. Register
 * it as a static {@code @RegisterExtension} field: it starts everything before the class's tests and stops it
 * after them.
 */
public final class TrackerHarness implements BeforeAllCallback, AfterAllCallback {

  /** Generous: the test machine has 2 cores shared by several builds. */
  public static final Duration PATIENCE = Duration.ofSeconds(30);

  private final Map<String, String> overrides;
  private RedisServerFixture redisServer;
  private TcpProxy redisProxy;
  private KinesisEmulator kinesis;
  private TcpProxy kinesisProxy;
  private String stream;
  private Vertx vertx;
  private Redis redisDirect;
  private WebClient http;
  private Map<String, String> baseEnv;
  private Map<String, String> env;
  private TrackerVerticle tracker;
  private String deployment;

  private TrackerHarness(Map<String, String> overrides) {
    this.overrides = overrides;
  }

  /** A harness whose tracker environment is the defaults here plus {@code overrides}. */
  public static TrackerHarness withEnv(Map<String, String> overrides) {
    return new TrackerHarness(overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    redisServer = RedisServerFixture.start();
    redisProxy = TcpProxy.start(redisServer.port());
    kinesis = KinesisEmulator.kinesalite();
    kinesisProxy = TcpProxy.start(kinesis.port());
    stream = "events-" + UUID.randomUUID();
    kinesis.createStream(stream, 2);
    vertx = Vertx.vertx();
    redisDirect = Redis.createClient(vertx, redisServer.url());
    http = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setUserAgentEnabled(false));
    env = new HashMap<>(Map.of(
        "HTTP_PORT", Integer.toString(FreePorts.next()),
        "MANAGEMENT_PORT", Integer.toString(FreePorts.next()),
        "HTTP_INSTANCES", "2",
        "REDIS_URL", "redis://localhost:" + redisProxy.port(),
        "EVENT_STREAM", stream,
        "KINESIS_LINGER_MS", "10"));
    env.putAll(overrides);
    baseEnv = Map.copyOf(env);
    startTracker();
  }

  /**
   * The tracker as {@link Main} builds it from its environment; the AWS SDK finds the Kinesis endpoint through the
   * system-property twin of AWS_ENDPOINT_URL_KINESIS, as it would through the variable.
   */
  public static TrackerVerticle tracker(Map<String, String> env, int kinesisPort) {
    TrackerConfig config = TrackerConfig.fromEnvironment(Environment.of(env));
    return SystemProperties.during(Map.of(SystemProperties.KINESIS_ENDPOINT, "http://localhost:" + kinesisPort),
        () -> new TrackerVerticle(config));
  }

  public void startTracker() {
    tracker = tracker(env, kinesisProxy.port());
    deployment = vertx.deployVerticle(tracker).await();
    awaitReady();
  }

  /**
   * Makes the tracker run with the class's environment plus {@code settings} (an empty map: the class's own),
   * restarting it on the same port, stream and Redis when that is not what it runs with already.
   */
  public void useSettings(Map<String, String> settings) {
    Map<String, String> wanted = new HashMap<>(baseEnv);
    wanted.putAll(settings);
    if (!wanted.equals(env)) {
      stopTracker();
      env = wanted;
      startTracker();
    }
  }

  /**
   * Starts another tracker task of the same region: the class's environment on a port of its own, sharing Redis
   * (through the same proxy), kinesalite and the stream. It stops with the harness.
   */
  public TrackerVerticle startSibling() {
    Map<String, String> siblingEnv = new HashMap<>(env);
    siblingEnv.put("HTTP_PORT", Integer.toString(FreePorts.next()));
    TrackerVerticle sibling = tracker(siblingEnv, kinesisProxy.port());
    vertx.deployVerticle(sibling).await();
    return sibling;
  }

  /** Stops the tracker the way SIGTERM does (undeploys it: HTTP off, flush, close). */
  public void stopTracker() {
    vertx.undeploy(deployment).await();
    deployment = null;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The public port: tracking calls. */
  public int port() {
    return tracker.httpPort();
  }

  /** The management port: health and metrics. */
  public int managementPort() {
    return tracker.managementPort();
  }

  /** A client of the Redis server itself, not through the proxy. */
  public Redis redisDirect() {
    return redisDirect;
  }

  public TcpProxy redisProxy() {
    return redisProxy;
  }

  public TcpProxy kinesisProxy() {
    return kinesisProxy;
  }

  public WebClient http() {
    return http;
  }

  public void awaitReady() {
    await().atMost(PATIENCE).until(() -> management("/health/ready").statusCode() == 200);
  }

  public static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
  }

  // ---- HTTP ----

  public HttpResponse<Buffer> get(String uri) {
    return get(uri, MultiMap.caseInsensitiveMultiMap());
  }

  public HttpResponse<Buffer> get(String uri, MultiMap headers) {
    return send(HttpMethod.GET, uri, headers, null);
  }

  public HttpResponse<Buffer> post(String uri, String contentType, Buffer body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (contentType != null) {
      headers.add("Content-Type", contentType);
    }
    return send(HttpMethod.POST, uri, headers, body);
  }

  /** A GET on the management port (/health/*, /metrics). */
  public HttpResponse<Buffer> management(String uri) {
    return send(managementPort(), HttpMethod.GET, uri, MultiMap.caseInsensitiveMultiMap(), null);
  }

  /** The Prometheus text of the management port's /metrics. */
  public String metrics() {
    return management("/metrics").bodyAsString();
  }

  public HttpResponse<Buffer> send(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    return send(port(), method, uri, headers, body);
  }

  /** A call to the tracker on {@code port}: this harness's, or a sibling's. */
  public HttpResponse<Buffer> send(int port, HttpMethod method, String uri, MultiMap headers, Buffer body) {
    var request = http.request(method, port, "localhost", uri).putHeaders(headers);
    try {
      return (body == null ? request.send() : request.sendBuffer(body)).await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(method + " " + uri + " got no answer in " + PATIENCE, e);
    }
  }

  // ---- core data ----

  /** A program valid now, with a landing URL; {@code extra} overrides or adds fields. */
  public static Map<String, String> program(String id, long version, Map<String, String> extra) {
    Map<String, String> fields = new HashMap<>(Map.of(
        "programId", id,
        "programName", "name of " + id,
        "customerId", "9124",
        "customerName", "Customer2",
        "checksum", "secret-" + id,
        "validFrom", "2020-01-01T00:00:00Z",
        "validUntil", "2100-01-01T00:00:00Z",
        "landingUrl", "https://advertiser.example/offer/" + id,
        "version", Long.toString(version)));
    fields.putAll(extra);
    fields.values().removeIf(value -> value == null || value.isEmpty());
    return fields;
  }

  /** Writes the hash {@code program:{id}} straight to Redis (not through the proxy), as the updater does. */
  public void storeProgram(Map<String, String> fields) {
    String key = RedisLayout.programKey(fields.get("programId"));
    Request hset = Request.cmd(Command.HSET).arg(key);
    fields.forEach((name, value) -> hset.arg(name).arg(value));
    redisDirect.send(Request.cmd(Command.DEL).arg(key)).await();
    redisDirect.send(hset).await();
  }

  /** PUBLISHes a change on core-data-updates without touching any hash. */
  public void publish(JsonObject change) {
    redisDirect.send(Request.cmd(Command.PUBLISH).arg(RedisLayout.CHANNEL).arg(change.encode())).await();
  }

  /** The program fields as the updater publishes them (version and customerId as numbers). */
  public static JsonObject asMessage(Map<String, String> fields) {
    JsonObject json = new JsonObject();
    fields.forEach(json::put);
    json.put("version", Long.parseLong(fields.get("version")));
    if (fields.containsKey("customerId")) {
      json.put("customerId", Long.parseLong(fields.get("customerId")));
    }
    return json;
  }

  // ---- the stream ----

  public String stream() {
    return stream;
  }

  public List<TrackingEvent> events() {
    return kinesis.readAll(stream).stream().map(TrackerHarness::decode).toList();
  }

  /** The events on the stream for one program, once {@code count} of them arrived (waits, then asserts). */
  public List<TrackingEvent> awaitEvents(String programId, int count) {
    return await().atMost(PATIENCE).until(() -> eventsOf(programId), events -> events.size() >= count);
  }

  /**
   * The program's events once everything called before is on the stream: a person's call on a marker program goes
   * last, and once its event is there, anything the calls before it put into the buffer would be there too.
   */
  public List<TrackingEvent> eventsOnceSettled(String programId) {
    String marker = uniqueId("marker");
    storeProgram(program(marker, 1, Map.of()));
    MultiMap person = MultiMap.caseInsensitiveMultiMap().add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; "
        + "rv:133.0) Gecko/20100101 Firefox/133.0");
    if (get("/event/" + marker, person).statusCode() != 200) {
      throw new AssertionError("the marker call was refused");
    }
    awaitEvents(marker, 1);
    return eventsOf(programId);
  }

  public List<TrackingEvent> eventsOf(String programId) {
    return events().stream().filter(e -> e.getProgramId().equals(programId)).toList();
  }

  private static TrackingEvent decode(Record record) {
    try {
      return TrackingEvent.parseFrom(record.data().asByteArray());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("record " + record.sequenceNumber() + " is not a TrackingEvent", e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (deployment != null) {
        stopTracker();
      }
    } finally {
      vertx.close().await();
      kinesisProxy.close();
      kinesis.close();
      redisProxy.close();
      redisServer.close();
    }
  }
}
