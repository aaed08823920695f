package io.adtrack.tracker;

import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import io.adtrack.tracker.config.TrackerConfig;
import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Runs the tracker: configuration from the environment, one Vert.x, the {@link TrackerVerticle}, and a SIGTERM hook
 * that undeploys it (which flushes). Exit code 2 for invalid configuration, 1 when the deployment fails.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final int EXIT_DEPLOYMENT_FAILED = 1;
  private static final int EXIT_INVALID_CONFIGURATION = 2;
  /** Beyond the flush deadline, what closing the clients and Vert.x may take before we give up waiting. */
  private static final long CLOSE_GRACE_SECONDS = 5;

  private Main() {
  }

  public static void main(String[] args) {
    TrackerConfig config;
    TrackerVerticle tracker;
    try {
      config = TrackerConfig.fromEnvironment(Environment.system());
      tracker = new TrackerVerticle(config);
    } catch (ConfigurationException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(EXIT_INVALID_CONFIGURATION);
      return;
    } catch (SdkClientException e) {
      LOG.error("Invalid configuration: {}", ConfigurationException.fromAwsClient(e).getMessage());
      System.exit(EXIT_INVALID_CONFIGURATION);
      return;
    }
    Vertx vertx = Vertx.vertx();
    String deployment;
    try {
      deployment = vertx.deployVerticle(tracker).await();
    } catch (Exception e) {
      // Not only runtime exceptions: await() rethrows the failure as it is, e.g. the BindException of a taken port.
      LOG.error("Tracker failed to start (are ports {} and {} free?)", config.http().port(),
          config.management().port(), e);
      vertx.close();
      System.exit(EXIT_DEPLOYMENT_FAILED);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(vertx, deployment, config), "tracker-shutdown"));
    LOG.info("Tracker up on port {} ({} HTTP instances), health and metrics on port {}; Redis {}, Kinesis {}",
        tracker.httpPort(), config.http().instances(), tracker.managementPort(), config.redis().url(),
        tracker.kinesisTarget());
    LOG.info("Invalid traffic: {} (INVALID_TRAFFIC), duplicate clicks within {} s, bots: {}",
        config.invalidTraffic().mode().name().toLowerCase(Locale.ROOT),
        config.invalidTraffic().clickDedup().toSeconds(), tracker.botPatterns());
  }

  private static void shutdown(Vertx vertx, String deployment, TrackerConfig config) {
    LOG.info("Shutting down: closing HTTP, then flushing events (deadline {})", config.shutdownTimeout());
    try {
      vertx.undeploy(deployment).await(config.shutdownTimeout().toSeconds() + CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
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
