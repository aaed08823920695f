package io.adtrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the browser tests find Chromium, and the one line they fail with when they cannot. */
class ChromiumTest {

  @TempDir
  Path dir;

  @Test
  void aMissingChromium_withoutRootToInstallIt_failsInOneLineSayingWhatToInstall() {
    assertThatThrownBy(() -> Chromium.executable(null, "builder", List.of(dir.resolve("chromium"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(Chromium.MISSING)
        .hasMessageContaining("apt-get install -y chromium")
        .hasMessageContaining("CHROMIUM_PATH")
        .hasMessageNotContaining("\n");
  }

  @Test
  void debiansChromium_isFoundWhereThePackagePutsIt() throws IOException {
    Path chromium = executable("chromium");

    assertThat(Chromium.executable(null, "builder", List.of(dir.resolve("missing"), chromium))).isEqualTo(chromium);
    assertThat(Chromium.executable(" ", "builder", List.of(chromium))).isEqualTo(chromium);
  }

  @Test
  void chromiumPath_winsWhenItIsAnExecutable_andFailsClearlyWhenNot() throws IOException {
    Path mine = executable("my-chromium");
    Path debians = executable("chromium");

    assertThat(Chromium.executable(mine.toString(), "root", List.of(debians))).isEqualTo(mine);
    assertThatThrownBy(() -> Chromium.executable(dir.resolve("nope").toString(), "root", List.of(debians)))
        .hasMessageStartingWith("CHROMIUM_PATH=")
        .hasMessageEndingWith("is not an executable file");
  }

  private Path executable(String name) throws IOException {
    Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
