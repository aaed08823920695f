package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh without AWS: stand-ins for `aws`, `docker` and `mvn` on PATH record every call (arguments separated by
 * US characters) and answer the few questions the script asks, so the test sees exactly what would be sent.
 */
class DeployScriptTest {

  /** Answers as the AWS CLI would; FAIL_DEPLOY_IN makes `cloudformation deploy` fail in that region. */
  private static final String FAKE_AWS = """
      #!/usr/bin/env bash
      { printf '%s\\x1f' aws "$@"; echo; } >> "$CALLS"
      region=
      for ((i = 1; i < $#; i++)); do [[ ${!i} == --region ]] && j=$((i + 1)) && region=${!j}; done
      case "$1 $2" in
        "sts get-caller-identity") echo 123456789012 ;;
        "s3api head-bucket" | "ecr describe-repositories" | "ecr describe-images") exit 254 ;;
        "ecr get-login-password") echo secret-password ;;
        "cloudformation deploy")
          if [[ $region == "${FAIL_DEPLOY_IN:-}" ]]; then
            echo "Waiter StackCreateComplete failed: ROLLBACK_COMPLETE" >&2
            exit 255
          fi ;;
        "cloudformation describe-stacks")
          case "$*" in
            *EndpointUrl*) echo "http://adtrack-1234.$region.elb.amazonaws.com" ;;
            *) echo "https://$region.console.aws.amazon.com/cloudwatch/dashboard" ;;
          esac ;;
      esac
      exit 0
      """;

  /** docker and mvn: record the call (docker login also what it read on stdin) and succeed. */
  private static final String FAKE_TOOL = """
      #!/usr/bin/env bash
      { printf '%s\\x1f' "$(basename "$0")" "$@"; echo; } >> "$CALLS"
      [[ $* == *--password-stdin* ]] && { printf 'stdin\\x1f%s\\n' "$(cat)" >> "$CALLS"; }
      exit 0
      """;

  /** Calls that only look: the only ones a dry run may make. */
  private static final Set<List<String>> LOOK_ONLY = Set.of(List.of("aws", "sts", "get-caller-identity"),
      List.of("aws", "s3api", "head-bucket"), List.of("aws", "ecr", "describe-repositories"),
      List.of("aws", "ecr", "describe-images"));

  private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/adtrack-tracker:abc123";
  private static final byte[] CONSUMER_JAR = "consumer jar".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path checkout;
  private Path script;
  private Path calls;

  @BeforeEach
  void checkoutWithStandIns() throws Exception {
    script = copy(Repository.DEPLOY_SCRIPT, checkout.resolve("cloudformation/deploy.sh"));
    copy(Repository.TEMPLATE, checkout.resolve("cloudformation/adtrack.yaml"));
    copy(Repository.TEMPLATE_DIR.resolve("regions"), checkout.resolve("cloudformation/regions"));
    Files.createDirectories(checkout.resolve("kinesis-consumer/target"));
    Files.write(checkout.resolve("kinesis-consumer/target/kinesis-consumer.jar"), CONSUMER_JAR);
    Files.createDirectories(checkout.resolve("redis-updater/target"));
    Files.writeString(checkout.resolve("redis-updater/target/redis-updater.jar"), "updater jar");
    Path bin = Files.createDirectories(checkout.resolve("bin"));
    executable(bin.resolve("aws"), FAKE_AWS);
    executable(bin.resolve("docker"), FAKE_TOOL);
    executable(bin.resolve("mvn"), FAKE_TOOL);
    calls = checkout.resolve("calls");
  }

  @Test
  void passesTheSyntaxCheck() throws Exception {
    Repository.Result check = Repository.run(List.of("bash", "-n", Repository.DEPLOY_SCRIPT.toString()));

    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void printsUsageWithoutRegionAndStack() throws Exception {
    Repository.Result run = deploy(Map.of());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("usage: cloudformation/deploy.sh [--dry-run] <region>[,<region>...] "
        + "<stack-name>");
  }

  @Test
  void uploadsTheJarsToTheRegionsBucketAndDeploysWithEveryRequiredParameter() throws Exception {
    Repository.Result run = deploy(Map.of("SKIP_BUILD", "1", "IMAGE_URI", IMAGE, "ALARM_EMAIL", "ops@example.com"),
        "eu-west-1", "adtrack-test");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).endsWith("Endpoint:  http://adtrack-1234.eu-west-1.elb.amazonaws.com\n");
    List<List<String>> awsCalls = recordedCalls();
    String bucket = "adtrack-artifacts-123456789012-eu-west-1";
    String consumerKey = "lambda/kinesis-consumer-" + HexFormat.of().formatHex(sha256(CONSUMER_JAR)) + ".jar";
    assertThat(awsCalls).contains(
        List.of("aws", "s3api", "create-bucket", "--bucket", bucket, "--region", "eu-west-1",
            "--create-bucket-configuration", "LocationConstraint=eu-west-1"),
        List.of("aws", "s3", "cp", checkout.resolve("kinesis-consumer/target/kinesis-consumer.jar").toString(),
            "s3://" + bucket + "/" + consumerKey, "--region", "eu-west-1", "--only-show-errors"),
        List.of("aws", "cloudformation", "update-termination-protection", "--enable-termination-protection",
            "--region", "eu-west-1", "--stack-name", "adtrack-test"));
    List<String> putPolicy = call(awsCalls, "s3api", "put-bucket-policy");
    String bucketPolicy = putPolicy.get(putPolicy.indexOf("--policy") + 1);
    assertThat(bucketPolicy).contains("\"Effect\":\"Deny\"", "\"aws:SecureTransport\":\"false\"",
        "arn:aws:s3:::" + bucket + "/*");

    List<String> deploy = call(awsCalls, "cloudformation", "deploy");
    assertThat(String.join(" ", deploy)).contains("--region eu-west-1", "--stack-name adtrack-test",
        "--capabilities CAPABILITY_IAM", "--s3-bucket " + bucket);
    Map<String, String> parameters = parameterOverrides(deploy);
    assertThat(parameters).containsEntry("TrackerImageUri", IMAGE)
        .containsEntry("TrackerRepositoryName", "adtrack-tracker")
        .containsEntry("ArtifactBucket", bucket)
        .containsEntry("ConsumerCodeKey", consumerKey)
        .containsEntry("ConsumerCodeSha256", Base64.getEncoder().encodeToString(sha256(CONSUMER_JAR)))
        .containsEntry("AlarmEmail", "ops@example.com")
        .doesNotContainKey("CertificateArn");
    Map<String, Object> declared = Template.load(Repository.TEMPLATE).parameters();
    assertThat(declared).containsKeys(parameters.keySet().toArray(String[]::new));
    declared.forEach((name, definition) -> {
      if (!Template.map(definition).containsKey("Default")) {
        assertThat(parameters).as("parameter without a default").containsKey(name);
      }
    });
  }

  @Test
  void rollsOutRegionByRegionBuildingOnceAndStopsAtTheFirstFailure() throws Exception {
    Repository.Result run = deploy(Map.of("IMAGE_TAG", "v42", "FAIL_DEPLOY_IN", "us-east-1",
        "CERTIFICATE_ARN", certificate("us-east-1") + "," + certificate("eu-west-1") + " "
            + certificate("ap-southeast-2")),
        "eu-west-1,us-east-1,ap-southeast-2", "adtrack");

    assertThat(run.exitCode()).as(run.output()).isEqualTo(255);
    assertThat(run.output()).endsWith("""
        Rollout of stack adtrack:
          eu-west-1        deployed     http://adtrack-1234.eu-west-1.elb.amazonaws.com
          us-east-1        FAILED       (exit code 255; its output is above)
          ap-southeast-2   not started
        """);
    List<List<String>> recorded = recordedCalls();
    assertThat(recorded).filteredOn(call -> call.get(0).equals("mvn")).hasSize(1);
    assertThat(recorded).filteredOn(call -> startsWith(call, "docker", "build")).singleElement()
        .satisfies(build -> assertThat(build).contains("adtrack-tracker:v42"));
    assertThat(recorded).filteredOn(call -> startsWith(call, "docker", "push"))
        .extracting(call -> call.get(2)).containsExactly(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/adtrack-tracker:v42",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/adtrack-tracker:v42");
    assertThat(recorded).contains(List.of("stdin", "secret-password"));
    List<List<String>> deploys = recorded.stream()
        .filter(call -> startsWith(call, "aws", "cloudformation", "deploy")).toList();
    assertThat(deploys).extracting(call -> call.get(call.indexOf("--region") + 1))
        .containsExactly("eu-west-1", "us-east-1");
    assertThat(deploys).extracting(call -> parameterOverrides(call).get("CertificateArn"))
        .containsExactly(certificate("eu-west-1"), certificate("us-east-1"));
    // Nothing at all happens in the region after the failed one.
    assertThat(recorded).noneMatch(call -> String.join(" ", call).contains("ap-southeast-2"));
  }

  @Test
  void dryRunChangesNothingAndPrintsEveryCallTheDeployWouldMake() throws Exception {
    Map<String, String> environment = Map.of("IMAGE_TAG", "v42", "ALARM_EMAIL", "ops@example.com");
    Repository.Result dryRun = deploy(environment, "--dry-run", "eu-west-1,us-east-1", "adtrack");
    List<List<String>> dryRunCalls = recordedCalls();
    Files.delete(calls);
    Repository.Result realRun = deploy(environment, "eu-west-1,us-east-1", "adtrack");

    assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
    assertThat(realRun.exitCode()).as(realRun.output()).isZero();
    assertThat(dryRunCalls).isNotEmpty()
        .allSatisfy(call -> assertThat(LOOK_ONLY).as("a dry run only looks").contains(call.subList(0, 3)));
    List<List<String>> printed = printedCommands(dryRun.output());
    List<List<String>> made = recordedCalls().stream().filter(call -> !call.get(0).equals("stdin")).toList();
    // In any order: the two ends of `aws ecr get-login-password | docker login` run at once.
    assertThat(printed).containsExactlyInAnyOrderElementsOf(made);
    assertThat(dryRun.output()).contains("Rollout of stack adtrack (dry run: nothing changed):",
        "  us-east-1        dry run done");
  }

  @Test
  void refusesARegionTheTemplateIsNotCheckedForBeforeAnyCall() throws Exception {
    Repository.Result run = deploy(Map.of("SKIP_BUILD", "1"), "eu-west-1,ap-south-2", "adtrack");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("deploy.sh: ap-south-2 is not in cloudformation/regions");
    assertThat(calls).doesNotExist();
  }

  @Test
  void refusesOneImageUriForSeveralRegionsAndARegionWithoutItsCertificate() throws Exception {
    Repository.Result image = deploy(Map.of("IMAGE_URI", IMAGE), "eu-west-1,us-east-1", "adtrack");
    Repository.Result certificate = deploy(Map.of("CERTIFICATE_ARN", certificate("eu-west-1")),
        "eu-west-1,us-east-1", "adtrack");

    assertThat(image.exitCode()).isEqualTo(1);
    assertThat(image.output()).contains("IMAGE_URI names one region's repository");
    assertThat(certificate.exitCode()).isEqualTo(1);
    assertThat(certificate.output()).contains("CERTIFICATE_ARN has no certificate issued in us-east-1");
    assertThat(calls).doesNotExist();
  }

  private Repository.Result deploy(Map<String, String> environment, String... arguments) throws Exception {
    Map<String, String> all = new HashMap<>(environment);
    all.put("PATH", checkout.resolve("bin") + ":" + System.getenv("PATH"));
    all.put("CALLS", calls.toString());
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(Arrays.asList(arguments));
    return Repository.run(command, all);
  }

  private List<List<String>> recordedCalls() throws Exception {
    return Files.readAllLines(calls).stream().map(line -> Arrays.asList(line.split("\u001f"))).toList();
  }

  /** The commands a dry run printed, each read back into its arguments by bash itself. */
  private List<List<String>> printedCommands(String output) throws Exception {
    Path commands = checkout.resolve("printed");
    Files.write(commands, output.lines().filter(line -> line.startsWith("dry run, ") || line.startsWith("   ..."))
        .map(line -> line.substring(line.indexOf(':') + 1)).toList());
    Repository.Result parsed = Repository.run(List.of("bash", "-c",
        "while IFS= read -r line; do eval \"set -- $line\"; printf '%s\\x1f' \"$@\"; echo; done < \"$1\"",
        "parse", commands.toString()));
    assertThat(parsed.exitCode()).as(parsed.output()).isZero();
    return parsed.output().lines().map(line -> Arrays.asList(line.split("\u001f"))).toList();
  }

  private static List<String> call(List<List<String>> calls, String service, String operation) {
    return calls.stream().filter(call -> startsWith(call, "aws", service, operation))
        .findFirst().orElseThrow(() -> new AssertionError("no call aws " + service + " " + operation));
  }

  private static boolean startsWith(List<String> call, String... prefix) {
    return call.size() >= prefix.length && call.subList(0, prefix.length).equals(List.of(prefix));
  }

  private static Map<String, String> parameterOverrides(List<String> deploy) {
    Map<String, String> parameters = new LinkedHashMap<>();
    deploy.subList(deploy.indexOf("--parameter-overrides") + 1, deploy.size()).forEach(pair -> {
      int equals = pair.indexOf('=');
      parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
    });
    return parameters;
  }

  private static String certificate(String region) {
    return "arn:aws:acm:" + region + ":123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  }

  private static void executable(Path file, String content) throws Exception {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path copy(Path source, Path target) throws Exception {
    Files.createDirectories(target.getParent());
    return Files.copy(source, target);
  }

  private static byte[] sha256(byte[] content) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(content);
  }
}
