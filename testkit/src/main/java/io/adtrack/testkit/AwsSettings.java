package io.adtrack.testkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What a test's child process sees of AWS, for {@link ChildProcess.Builder#environment(Map)}. */
public final class AwsSettings {

  private AwsSettings() {
  }

  /**
   * No region anywhere the AWS SDK's provider chain looks: AWS_REGION and AWS_DEFAULT_REGION removed, a profile file
   * that does not exist, no instance metadata; dummy keys, which the stand-ins accept.
   *
   * @param dir a directory without a file named {@code no-aws-config}
   */
  public static Map<String, String> noRegion(Path dir) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", null);
    env.put("AWS_DEFAULT_REGION", null);
    env.put("AWS_PROFILE", null);
    env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    return env;
  }
}
