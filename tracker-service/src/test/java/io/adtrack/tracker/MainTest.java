package io.adtrack.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.testkit.AwsSettings;
import io.adtrack.testkit.ChildProcess;
import io.adtrack.testkit.FreePorts;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main} in a JVM of its own, as ECS runs it: what a start looks like from outside. */
class MainTest {

  @TempDir
  Path dir;

  @Test
  void invalidConfiguration_exitsWith2_andOneLineNamingTheVariable() throws Exception {
    Result result = run(Map.of("HTTP_PORT", "eighty"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.lines()).filteredOn(line -> line.contains("Invalid configuration"))
        .singleElement().asString().endsWith("Invalid configuration: HTTP_PORT=eighty is not a whole number");
  }

  @Test
  void noAwsRegion_startsInTheLocalDefault_andSaysSo() throws Exception {
    Map<String, String> noRegion = AwsSettings.noRegion(dir);
    noRegion.put("HTTP_PORT", "0");
    noRegion.put("MANAGEMENT_PORT", "0");
    Path log = dir.resolve("main.log");

    try (ChildProcess main = start(noRegion, log)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> lines(log).stream().anyMatch(line -> line.contains(
          "Tracker up")));
    }

    assertThat(lines(log)).filteredOn(line -> line.contains("Tracker up")).singleElement().asString()
        .containsPattern("Tracker up on port \\d+ \\(1 HTTP instances\\), health and metrics on port \\d+;")
        .contains("Kinesis stream tracking-events in us-east-1 (the local default: no AWS_REGION, aws.region or "
            + "profile region is set) via http://localhost:");
  }

  @Test
  void aTakenPort_exitsWith1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Result result = run(Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort()), "MANAGEMENT_PORT", "0"));

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.lines()).anyMatch(line -> line.contains("Tracker failed to start (are ports "
          + taken.getLocalPort() + " and 0 free?)"));
    }
  }

  private Result run(Map<String, String> overrides) throws Exception {
    Path log = dir.resolve("main.log");
    int exitCode = start(overrides, log).onExit().get(60, TimeUnit.SECONDS);
    return new Result(exitCode, lines(log));
  }

  /** {@link Main} with Redis and Kinesis on ports nothing listens on, the environment's region, and overrides. */
  private static ChildProcess start(Map<String, String> overrides, Path log) {
    Map<String, String> env = new HashMap<>(Map.of(
        "AWS_REGION", "us-east-1",
        "REDIS_URL", "redis://localhost:" + FreePorts.next(),
        "AWS_ENDPOINT_URL_KINESIS", "http://localhost:" + FreePorts.next(),
        "HTTP_INSTANCES", "1"));
    env.putAll(overrides);
    return ChildProcess.of("tracker-main", ChildProcess.java(
            List.of("-cp", System.getProperty("java.class.path"), Main.class.getName())))
        .environment(env).logTo(log).start();
  }

  private static List<String> lines(Path log) throws IOException {
    return Files.readAllLines(log);
  }

  private record Result(int exitCode, List<String> lines) {
  }
}
