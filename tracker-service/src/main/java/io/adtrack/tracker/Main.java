package io.adtrack.tracker;

import io.adtrack.tracker.config.TrackerConfig;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the tracker: configuration from the environment, one Vert.x, and a SIGTERM hook that flushes. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** Beyond the flush deadline, what closing the clients and Vert.x may take before we give up waiting. */
  private static final long CLOSE_GRACE_SECONDS = 5;

  private Main() {
  }

  public static void main(String[] args) {
    TrackerConfig config;
    try {
      config = TrackerConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    TrackerApplication app;
    try {
      app = TrackerApplication.start(vertx, config).await();
    } catch (RuntimeException e) {
      LOG.error("Tracker failed to start (is port {} free?)", config.httpPort(), e);
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(vertx, app, config), "tracker-shutdown"));
    LOG.info("Tracker up on port {} ({} HTTP instances); Redis {}, Kinesis stream {} in {}{}", app.httpPort(),
        config.httpInstances(), config.redisUrlForLogs(), config.eventStream(), config.awsRegion(),
        config.kinesisEndpoint().map(uri -> " via " + uri).orElse(""));
  }

  private static void shutdown(Vertx vertx, TrackerApplication app, TrackerConfig config) {
    LOG.info("Shutting down: closing HTTP, then flushing events (deadline {})", config.shutdownTimeout());
    try {
      app.stop().await(config.shutdownTimeout().toSeconds() + CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
      LOG.info("Tracker stopped");
    } catch (TimeoutException e) {
      LOG.error("Shutdown did not finish in time; exiting anyway", e);
    } catch (RuntimeException e) {
      LOG.error("Shutdown failed", e);
    }
    // Not awaited past a grace period: once Vert.x has stopped its event loops, the completion of its own close
    // future may have no thread left to run on, and waiting for it would hang the JVM's exit.
    try {
      vertx.close().await(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | RuntimeException e) {
      LOG.debug("Vert.x close not confirmed; exiting anyway", e);
    }
  }
}
