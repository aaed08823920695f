package io.adtrack.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmFlagsTest {

  @TempDir
  Path root;

  @Test
  void shouldTakeTheEntrypointFlagsAndSizeTheHeapForTheTaskMemory_whenTheTemplateRefsAParameter()
      throws IOException {
    Files.writeString(root.resolve("Dockerfile"), """
        FROM eclipse-temurin:17-jre
        ENV HTTP_PORT=8080
        ENV MALLOC_ARENA_MAX=2
        ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+UseG1GC", "-Dfile.encoding=UTF-8", "-jar", \\
          "/app/tracker-service.jar", "-Dnot.a.jvm.flag=1"]
        """);
    Files.createDirectories(root.resolve("cloudformation"));
    Files.writeString(root.resolve("cloudformation/stack.yaml"), """
        Parameters:
          TaskMemory:
            Type: String
            Default: "2048"
        Resources:
          Task:
            Properties:
              Memory: !Ref TaskMemory
        """);

    JvmFlags flags = JvmFlags.read(root);

    assertThat(flags.flags()).containsExactly("-XX:MaxRAMPercentage=70", "-XX:+UseG1GC", "-Dfile.encoding=UTF-8",
        "-XX:MaxRAM=2048m");
    assertThat(flags.environment()).isEqualTo(Map.of("MALLOC_ARENA_MAX", "2"));
    assertThat(flags.taskMemoryMiB()).isEqualTo(2048);
    assertThat(flags.source()).contains("Dockerfile");
  }

  @Test
  void shouldFallBackToMaxRamPercentageAndSaySo_whenThereIsNoDockerfile() {
    JvmFlags flags = JvmFlags.read(root);

    assertThat(flags.flags()).startsWith("-XX:MaxRAMPercentage=75").contains("-XX:MaxRAM=512m");
    assertThat(flags.environment()).isEmpty();
    assertThat(flags.source()).contains("no Dockerfile");
  }
}
