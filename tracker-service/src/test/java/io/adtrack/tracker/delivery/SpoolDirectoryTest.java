package io.adtrack.tracker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.spool.AppendResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the spool lives when SPOOL_DIR is set or not, and the one line a SPOOL_DIR that cannot be used gives. */
class SpoolDirectoryTest {

  @TempDir
  Path tmp;

  private static TrackerConfig.Delivery settings(Map<String, String> variables) {
    Map<String, String> env = new HashMap<>(Map.of("SPOOL_MAX_BYTES", Long.toString(1L << 20)));
    env.putAll(variables);
    return TrackerConfig.fromEnvironment(Environment.of(env)).delivery();
  }

  @Test
  void aConfiguredDirectoryThatDoesNotExist_isAConfigurationError_namingSpoolDir() {
    Path missing = tmp.resolve("missing");

    assertThatThrownBy(() -> SpoolDirectory.open(settings(Map.of("SPOOL_DIR", missing.toString())), 8080, tmp))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("SPOOL_DIR: spool directory " + missing + " does not exist");
    assertThat(missing).as("a configured directory is never made up").doesNotExist();
  }

  @Test
  void aConfiguredFile_orADirectoryNothingCanBeWrittenTo_isAConfigurationError() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");

    assertThatThrownBy(() -> SpoolDirectory.open(settings(Map.of("SPOOL_DIR", file.toString())), 8080, tmp))
        .hasMessage("SPOOL_DIR: spool directory " + file + " is not a directory");
    // Even root cannot create files in /proc: a directory that exists and takes no file.
    assertThatThrownBy(() -> SpoolDirectory.open(settings(Map.of("SPOOL_DIR", "/proc")), 8080, tmp))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("SPOOL_DIR: spool directory /proc is not writable: ");
  }

  @Test
  void unset_theTrackerMakesItsOwnDirectoryPerPort_andRemovesItWhenLeftEmpty() throws Exception {
    SpoolDirectory.Opened opened = SpoolDirectory.open(settings(Map.of()), 8123, tmp);
    Path own = tmp.resolve("adtrack-spool-8123");
    assertThat(opened.own()).isTrue();
    assertThat(opened.spool().directory()).isEqualTo(own);

    assertThatThrownBy(() -> SpoolDirectory.open(settings(Map.of()), 8123, tmp))
        .as("a second tracker on the same port").isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("adtrack-spool-8123").hasMessageContaining("(another tracker on port 8123?)");
    opened.spool().closeAndRemoveIfEmpty().await(10, TimeUnit.SECONDS);

    assertThat(own).doesNotExist();
  }

  @Test
  void unset_aDirectoryThatStillHoldsEvents_staysForTheNextTrackerOnThatPort() throws Exception {
    SpoolDirectory.Opened first = SpoolDirectory.open(settings(Map.of()), 8124, tmp);
    assertThat(first.spool().append("m1", new byte[] {1}).await(10, TimeUnit.SECONDS))
        .isEqualTo(AppendResult.APPENDED);
    first.spool().closeAndRemoveIfEmpty().await(10, TimeUnit.SECONDS);

    SpoolDirectory.Opened second = SpoolDirectory.open(settings(Map.of()), 8124, tmp);
    try {
      assertThat(second.spool().replayedAtStart()).isEqualTo(1);
    } finally {
      second.spool().close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void unset_onAnyFreePort_aFreshDirectoryEachTime() throws Exception {
    SpoolDirectory.Opened one = SpoolDirectory.open(settings(Map.of()), 0, tmp);
    SpoolDirectory.Opened two = SpoolDirectory.open(settings(Map.of()), 0, tmp);
    try {
      assertThat(one.spool().directory()).isNotEqualTo(two.spool().directory());
      assertThat(one.spool().directory().getFileName().toString()).startsWith("adtrack-spool-");
    } finally {
      one.spool().closeAndRemoveIfEmpty().await(10, TimeUnit.SECONDS);
      two.spool().closeAndRemoveIfEmpty().await(10, TimeUnit.SECONDS);
    }
    try (var left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aConfiguredDirectory_isNeverRemoved() throws Exception {
    Path configured = Files.createDirectory(tmp.resolve("configured"));
    SpoolDirectory.Opened opened = SpoolDirectory.open(settings(Map.of("SPOOL_DIR", configured.toString())), 0, tmp);

    assertThat(opened.own()).isFalse();
    opened.spool().close().await(10, TimeUnit.SECONDS);
    assertThat(configured).isDirectory();
  }
}
