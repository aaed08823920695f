package io.adtrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis server (embedded-redis bundles redis-server 6.2) on its own port. Data lives in memory only, so
 * {@link #stop()} loses it, unless the server was started {@link #persistent(int, Path) persistent}: then every write
 * is in an append-only file first and a restart finds it, as a Redis node restarted on its disk would. To simulate an
 * outage that keeps the data without stopping the server, put a {@link TcpProxy} in front.
 */
public final class RedisServerFixture implements AutoCloseable {

  private final int port;
  /** Where the append-only file lives; null when in memory only. */
  private final Path dataDir;
  private RedisServer server;

  private RedisServerFixture(int port, Path dataDir) {
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts Redis on a free port. */
  public static RedisServerFixture start() {
    return start(FreePorts.next());
  }

  /** Starts Redis on the given port. */
  public static RedisServerFixture start(int port) {
    RedisServerFixture fixture = new RedisServerFixture(port, null);
    fixture.restart();
    return fixture;
  }

  /** Starts Redis on the given port with its data in {@code dataDir}, fsynced on every write, kept across restarts. */
  public static RedisServerFixture persistent(int port, Path dataDir) {
    RedisServerFixture fixture = new RedisServerFixture(port, dataDir);
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

  /** (Re)starts the server on the same port: empty, or with its data when persistent. */
  public synchronized void restart() {
    if (server != null && server.isActive()) {
      return;
    }
    try {
      RedisServerBuilder builder = RedisServer.newRedisServer()
          .port(port)
          .bind("127.0.0.1")
          .setting("save \"\"");
      if (dataDir == null) {
        builder.setting("appendonly no");
      } else {
        Files.createDirectories(dataDir);
        builder.setting("dir " + dataDir.toAbsolutePath()).setting("appendonly yes").setting("appendfsync always");
      }
      server = builder.build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server did not start on port " + port, e);
    }
  }

  /**
   * Stops the server, forgets everything it held (its append-only file too) and starts it again: a failover to a
   * replica that holds nothing.
   */
  public synchronized void restartEmpty() {
    stop();
    if (dataDir != null) {
      try (Stream<Path> files = Files.list(dataDir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot empty " + dataDir, e);
      }
    }
    restart();
  }

  /** Stops the server; its data is gone unless it is persistent. */
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
