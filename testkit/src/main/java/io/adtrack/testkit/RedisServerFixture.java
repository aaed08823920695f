package io.adtrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import redis.embedded.RedisServer;

/**
 * A real Redis server (embedded-redis bundles redis-server 6.2) on its own port. Data lives in memory only:
 * {@link #stop()} loses it. To simulate an outage that keeps the data, put a {@link TcpProxy} in front.
 */
public final class RedisServerFixture implements AutoCloseable {

  private final int port;
  private RedisServer server;

  private RedisServerFixture(int port) {
    this.port = port;
  }

  /** Starts Redis on a free port. */
  public static RedisServerFixture start() {
    return start(FreePorts.next());
  }

  /** Starts Redis on the given port. */
  public static RedisServerFixture start(int port) {
    RedisServerFixture fixture = new RedisServerFixture(port);
    fixture.restart();
    return fixture;
  }

  public int port() {
    return port;
  }

  /** {@code redis://localhost:port}, the form REDIS_URL takes. */
  public String url() {
    return "redis://localhost:" + port;
  }

  /** (Re)starts the server on the same port, empty. */
  public synchronized void restart() {
    if (server != null && server.isActive()) {
      return;
    }
    try {
      server = RedisServer.newRedisServer()
          .port(port)
          .bind("127.0.0.1")
          .setting("save \"\"")
          .setting("appendonly no")
          .build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server did not start on port " + port, e);
    }
  }

  /** Stops the server; its data is gone. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server did not stop", e);
    } finally {
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
