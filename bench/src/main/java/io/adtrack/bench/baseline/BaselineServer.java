package io.adtrack.bench.baseline;

import io.adtrack.bench.Args;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline: a bare Vert.x HTTP server, one instance per core like the tracker, answering what the tracker
 * answers in shape and size but without doing any work — what Vert.x on this machine can do at all.
 *
 * <p>{@code /pixel/*} gets the same 1×1 GIF as the tracker, {@code /click/*} a 302, everything else a fixed JSON
 * body of the size the tracker's {@code /event} answer has (measured by the runner and passed in).
 */
public final class BaselineServer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BaselineServer.class);

  /** The smallest transparent 1×1 GIF, as the tracker sends it. */
  static final Buffer PIXEL = Buffer.buffer(Base64.getDecoder().decode(
      "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"));

  private final int port;
  private final Buffer json;
  private HttpServer server;

  /** A server on {@code port} whose JSON answer is exactly {@code jsonBytes} long. */
  public BaselineServer(int port, int jsonBytes) {
    this.port = port;
    this.json = Buffer.buffer(fixedJson(jsonBytes), StandardCharsets.UTF_8.name());
  }

  /** Starts {@code instances} server verticles sharing the port; the future holds the deployment id. */
  public static Future<String> deploy(Vertx vertx, int port, int jsonBytes, int instances) {
    return vertx.deployVerticle(() -> new BaselineServer(port, jsonBytes),
        new DeploymentOptions().setInstances(instances));
  }

  /**
   * Runs the baseline on its own (the runner starts it as a child JVM with the tracker's flags).
   * Args: {@code --port P --json-bytes N [--instances K]}.
   */
  public static void main(String[] argv) {
    Args args = Args.parse(argv);
    int port = args.intValue("port", 8090);
    int bytes = args.intValue("json-bytes", 260);
    int instances = args.intValue("instances", Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx();
    deploy(vertx, port, bytes, instances)
        .onSuccess(id -> LOG.info("baseline listening on {} ({} instances, {}-byte JSON)", port, instances, bytes))
        .onFailure(e -> {
          LOG.error("baseline failed to start", e);
          vertx.close();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setTcpNoDelay(true));
    return server.requestHandler(this::handle).listen();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    MultiMap headers = request.response().headers();
    if (path.startsWith("/pixel/")) {
      headers.set(HttpHeaders.CONTENT_TYPE, "image/gif").set(HttpHeaders.CACHE_CONTROL, "no-store");
      request.response().end(PIXEL);
    } else if (path.startsWith("/click/")) {
      headers.set(HttpHeaders.LOCATION, "https://advertiser.example/offer");
      request.response().setStatusCode(302).end();
    } else {
      headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
      request.response().end(json);
    }
  }

  /** A JSON object of exactly {@code bytes} bytes (at least the size of its fixed part). */
  static String fixedJson(int bytes) {
    String head = "{\"messageId\":\"00000000-0000-0000-0000-000000000000\",\"valid\":true,\"pad\":\"";
    String tail = "\"}";
    int padding = Math.max(0, bytes - head.length() - tail.length());
    return head + "x".repeat(padding) + tail;
  }
}
