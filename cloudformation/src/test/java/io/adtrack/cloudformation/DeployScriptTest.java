package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh without AWS: a stand-in `aws` on PATH records every call and answers the few queries the script makes,
 * so the test sees exactly what would be sent to AWS.
 */
class DeployScriptTest {

  private static final String FAKE_AWS = """
      #!/usr/bin/env bash
      # Records the call (arguments separated by US characters) and answers like the AWS CLI would.
      printf '%s\\x1f' "$@" >> "$AWS_CALLS"
      echo >> "$AWS_CALLS"
      case "$1 $2" in
        "sts get-caller-identity") echo 123456789012 ;;
        "s3api head-bucket") exit 254 ;;
        "cloudformation describe-stacks")
          case "$*" in
            *EndpointUrl*) echo http://adtrack-1234.eu-west-1.elb.amazonaws.com ;;
            *) echo https://eu-west-1.console.aws.amazon.com/cloudwatch/dashboard ;;
          esac ;;
      esac
      """;

  private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/adtrack-tracker:abc123";

  @Test
  void passesTheSyntaxCheck() throws Exception {
    Repository.Result check = Repository.run(List.of("bash", "-n", Repository.DEPLOY_SCRIPT.toString()));

    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void printsUsageWithoutRegionAndStack() throws Exception {
    Repository.Result run = Repository.run(List.of("bash", Repository.DEPLOY_SCRIPT.toString()));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("usage: cloudformation/deploy.sh <region> <stack-name>");
  }

  @Test
  void uploadsTheJarsToTheRegionsBucketAndDeploysWithEveryRequiredParameter(@TempDir Path checkout) throws Exception {
    Path script = copy(Repository.DEPLOY_SCRIPT, checkout.resolve("cloudformation/deploy.sh"));
    copy(Repository.TEMPLATE, checkout.resolve("cloudformation/adtrack.yaml"));
    byte[] consumerJar = "consumer jar".getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(checkout.resolve("kinesis-consumer/target"));
    Files.write(checkout.resolve("kinesis-consumer/target/kinesis-consumer.jar"), consumerJar);
    Files.createDirectories(checkout.resolve("redis-updater/target"));
    Files.writeString(checkout.resolve("redis-updater/target/redis-updater.jar"), "updater jar");
    Path bin = Files.createDirectories(checkout.resolve("bin"));
    Files.writeString(bin.resolve("aws"), FAKE_AWS);
    Files.setPosixFilePermissions(bin.resolve("aws"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path calls = checkout.resolve("aws-calls");

    Repository.Result run = Repository.run(List.of("bash", script.toString(), "eu-west-1", "adtrack-test"), Map.of(
        "PATH", bin + ":" + System.getenv("PATH"),
        "AWS_CALLS", calls.toString(),
        "SKIP_BUILD", "1",
        "IMAGE_URI", IMAGE,
        "ALARM_EMAIL", "ops@example.com"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).endsWith("Endpoint:  http://adtrack-1234.eu-west-1.elb.amazonaws.com\n");
    List<List<String>> awsCalls = Files.readAllLines(calls).stream()
        .map(line -> Arrays.asList(line.split("\u001f"))).toList();
    String bucket = "adtrack-artifacts-123456789012-eu-west-1";
    String consumerKey = "lambda/kinesis-consumer-" + HexFormat.of().formatHex(sha256(consumerJar)) + ".jar";
    assertThat(awsCalls).contains(
        List.of("s3api", "create-bucket", "--bucket", bucket, "--region", "eu-west-1",
            "--create-bucket-configuration", "LocationConstraint=eu-west-1"),
        List.of("s3", "cp", checkout.resolve("kinesis-consumer/target/kinesis-consumer.jar").toString(),
            "s3://" + bucket + "/" + consumerKey, "--region", "eu-west-1", "--only-show-errors"));

    List<String> deploy = awsCalls.stream().filter(call -> call.subList(0, 2).equals(List.of("cloudformation",
        "deploy"))).findFirst().orElseThrow();
    assertThat(String.join(" ", deploy)).contains("--region eu-west-1", "--stack-name adtrack-test",
        "--capabilities CAPABILITY_IAM", "--s3-bucket " + bucket);
    Map<String, String> parameters = parameterOverrides(deploy);
    assertThat(parameters).containsEntry("TrackerImageUri", IMAGE)
        .containsEntry("TrackerRepositoryName", "adtrack-tracker")
        .containsEntry("ArtifactBucket", bucket)
        .containsEntry("ConsumerCodeKey", consumerKey)
        .containsEntry("ConsumerCodeSha256", Base64.getEncoder().encodeToString(sha256(consumerJar)))
        .containsEntry("AlarmEmail", "ops@example.com")
        .doesNotContainKey("CertificateArn");
    Map<String, Object> declared = Template.map(CfnYaml.load(Repository.TEMPLATE).get("Parameters"));
    assertThat(declared).containsKeys(parameters.keySet().toArray(String[]::new));
    declared.forEach((name, definition) -> {
      if (!Template.map(definition).containsKey("Default")) {
        assertThat(parameters).as("parameter without a default").containsKey(name);
      }
    });
  }

  private static Map<String, String> parameterOverrides(List<String> deploy) {
    Map<String, String> parameters = new LinkedHashMap<>();
    deploy.subList(deploy.indexOf("--parameter-overrides") + 1, deploy.size()).forEach(pair -> {
      int equals = pair.indexOf('=');
      parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
    });
    return parameters;
  }

  private static Path copy(Path source, Path target) throws Exception {
    Files.createDirectories(target.getParent());
    return Files.copy(source, target);
  }

  private static byte[] sha256(byte[] content) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(content);
  }
}
