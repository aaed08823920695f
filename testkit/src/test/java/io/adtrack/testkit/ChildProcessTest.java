package io.adtrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void outputAndErrors_canBeReadApart_andClosingStdinLetsItFinish() throws IOException {
    List<String> lines = new CopyOnWriteArrayList<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    ChildProcess shell = ChildProcess.of("shell", List.of("sh", "-c", "echo out; echo err >&2; cat; exit 3"))
        .lines(lines::add).errorLines(errors::add).start();

    shell.process().getOutputStream().close();

    assertThat(shell.awaitExit(PATIENCE, PATIENCE)).isEqualTo(3);
    assertThat(lines).containsExactly("out");
    assertThat(errors).containsExactly("err");
  }

  @Test
  void errorsJoinTheOutput_unlessReadApart(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("shell.log");
    ChildProcess shell = ChildProcess.of("shell", List.of("sh", "-c", "echo out; echo err >&2")).logTo(log).start();

    assertThat(shell.awaitExit(PATIENCE, PATIENCE)).isZero();
    assertThat(Files.readAllLines(log)).containsExactly("out", "err");
  }

  @Test
  void aProcessThatDoesNotEndByItself_isStopped() {
    ChildProcess sleeper = ChildProcess.of("sleeper", List.of("sleep", "600")).start();

    int exitCode = sleeper.awaitExit(Duration.ZERO, PATIENCE);

    assertThat(sleeper.isAlive()).isFalse();
    // 128 + SIGTERM: stopped, not ended on its own.
    assertThat(exitCode).isEqualTo(143);
  }
}
