package io.adtrack.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.testkit.ChildProcess;
import io.adtrack.testkit.FreePorts;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main} in a JVM of its own, as ECS runs it: what a bad start looks like from outside. */
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
  void noAwsRegion_exitsWith2_andOneLineSayingToSetAwsRegion() throws Exception {
    Map<String, String> noRegion = new HashMap<>();
    noRegion.put("AWS_REGION", null);
    noRegion.put("AWS_DEFAULT_REGION", null);
    // Nor from a profile or instance metadata: the SDK's other places to find a region.
    noRegion.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    noRegion.put("AWS_EC2_METADATA_DISABLED", "true");

    Result result = run(noRegion);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.lines()).filteredOn(line -> line.contains("Invalid configuration"))
        .singleElement().asString().endsWith("AWS_REGION is not set and the AWS profile names no region: set "
            + "AWS_REGION");
  }

  @Test
  void aTakenPort_exitsWith1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Result result = run(Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort())));

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.lines()).anyMatch(line -> line.contains("Tracker failed to start (is port "
          + taken.getLocalPort() + " free?)"));
    }
  }

  private Result run(Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "AWS_REGION", "us-east-1",
        "REDIS_URL", "redis://localhost:" + FreePorts.next(),
        "AWS_ENDPOINT_URL_KINESIS", "http://localhost:" + FreePorts.next(),
        "HTTP_INSTANCES", "1"));
    env.putAll(overrides);
    Path log = dir.resolve("main.log");
    ChildProcess main = ChildProcess.of("tracker-main", ChildProcess.java(
            List.of("-cp", System.getProperty("java.class.path"), Main.class.getName())))
        .environment(env).logTo(log).start();
    int exitCode = main.onExit().get(60, TimeUnit.SECONDS);
    return new Result(exitCode, lines(log));
  }

  private static List<String> lines(Path log) throws IOException {
    return Files.readAllLines(log);
  }

  private record Result(int exitCode, List<String> lines) {
  }
}
