package io.adtrack.cloudformation;

import static io.adtrack.cloudformation.Template.list;
import static io.adtrack.cloudformation.Template.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root Dockerfile passes both linters and builds the image the issue asks for. */
class DockerfileTest {

  private static Dockerfile dockerfile;

  @BeforeAll
  static void parse() throws Exception {
    dockerfile = Dockerfile.parse(Repository.DOCKERFILE);
  }

  @Test
  void bothLintersAcceptTheDockerfile() throws Exception {
    Repository.Result utils = dockerfileUtils(Repository.DOCKERFILE);
    Repository.Result lint = dockerfilelint(Repository.DOCKERFILE);

    assertThat(utils.exitCode()).as(utils.output()).isZero();
    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  @Test
  void bothLintersRejectABrokenDockerfile(@TempDir Path directory) throws Exception {
    String broken = Files.readString(Repository.DOCKERFILE, StandardCharsets.UTF_8)
        .replace("EXPOSE 8080 8081", "EXPOSE 8080 8081\nRUNN true");
    Path file = directory.resolve("Dockerfile");
    Files.writeString(file, broken, StandardCharsets.UTF_8);

    assertThat(dockerfileUtils(file).output()).contains("Unknown instruction: RUNN");
    assertThat(dockerfileUtils(file).exitCode()).isNotZero();
    assertThat(dockerfilelint(file).exitCode()).isNotZero();
  }

  @Test
  void buildStageRunsTheMavenBuildAndSkipsTestsOnlyWhenAskedTo() {
    assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);
    Dockerfile.Stage build = dockerfile.stages().get(0);

    assertThat(build.from()).startsWith("maven:3.9-eclipse-temurin-").endsWith(" AS build");
    assertThat(build.all("ARG")).extracting(Dockerfile.Instruction::arguments).contains("SKIP_TESTS=false");
    assertThat(build.all("RUN")).extracting(Dockerfile.Instruction::arguments)
        .anySatisfy(run -> assertThat(run).contains("mvn -B -pl tracker-service -am package",
            "-DskipTests=\"$SKIP_TESTS\""));
  }

  @Test
  void runtimeStageIsASlimJreRunningOnlyTheTrackerJarAsANonRootUser() {
    Dockerfile.Stage runtime = dockerfile.runtime();

    assertThat(runtime.from()).matches("eclipse-temurin:(17|21)-jre( AS \\w+)?");
    assertThat(runtime.all("COPY")).singleElement().extracting(Dockerfile.Instruction::arguments)
        .isEqualTo("--from=build /src/tracker-service/target/tracker-service.jar " + DockerfileRunTest.IMAGE_JAR);
    assertThat(runtime.last("USER")).get().extracting(Dockerfile.Instruction::arguments)
        .satisfies(user -> assertThat(user.split(":")[0]).isNotIn("root", "0"));
    assertThat(runtime.all("EXPOSE")).extracting(Dockerfile.Instruction::arguments).containsExactly("8080 8081");
    List<String> entrypoint = Dockerfile.execForm(runtime.last("ENTRYPOINT").orElseThrow().arguments());
    assertThat(entrypoint).startsWith("java").contains("-XX:+ExitOnOutOfMemoryError")
        .anySatisfy(flag -> assertThat(flag).startsWith("-XX:MaxRAMPercentage="))
        .endsWith("-jar", DockerfileRunTest.IMAGE_JAR);
  }

  @Test
  void healthcheckProbesLivenessOnTheManagementPortAndIsTheOneTheTaskDefinitionRepeats() throws Exception {
    List<String> healthcheck = healthcheckCommand(dockerfile);
    assertThat(String.join(" ", healthcheck)).contains("/dev/tcp/127.0.0.1/${MANAGEMENT_PORT:-8081}", "/health/live");
    assertThat(dockerfile.runtime().all("ENV")).extracting(Dockerfile.Instruction::arguments)
        .contains("HTTP_PORT=8080", "MANAGEMENT_PORT=8081");

    Template template = Template.load(Repository.TEMPLATE);
    List<Object> taskCommand = new ArrayList<>(list(map(template.container("tracker").get("HealthCheck"))
        .get("Command")));
    assertThat(taskCommand.remove(0)).isEqualTo("CMD");
    assertThat(taskCommand).isEqualTo(healthcheck);
  }

  /** The exec-form command of the runtime stage's HEALTHCHECK (after its options). */
  static List<String> healthcheckCommand(Dockerfile parsed) {
    String arguments = parsed.runtime().last("HEALTHCHECK").orElseThrow().arguments();
    return Dockerfile.execForm(arguments.substring(arguments.indexOf(" CMD ") + " CMD ".length()));
  }

  private static Repository.Result dockerfileUtils(Path file) throws Exception {
    return Repository.run(List.of("node", Repository.NODE_MODULES.resolve("dockerfile-utils/bin/dockerfile-utils")
        .toString(), "lint", file.toString()));
  }

  private static Repository.Result dockerfilelint(Path file) throws Exception {
    return Repository.run(List.of("node", Repository.NODE_MODULES.resolve("dockerfilelint/bin/dockerfilelint")
        .toString(), file.toString()));
  }
}
