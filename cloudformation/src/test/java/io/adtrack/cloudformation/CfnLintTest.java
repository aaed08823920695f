package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS's cfn-lint (Python) passes the stack template with every rule set in every region the stack is built for, and
 * catches what it is there to catch; lint.sh installs cfn-lint where it is missing and says so in one line where it
 * cannot.
 */
class CfnLintTest {

  /**
   * Every rule the template ignores, by resource, with the reason. A new ignore in the template's Metadata fails
   * {@link #theTemplateIgnoresOnlyTheseRules} until it is added here, where a reviewer sees it.
   */
  private static final Map<String, Map<String, String>> IGNORED_RULES = Map.of(
      "UpdaterFunction", Map.of("I2530", "SnapStart suggested for every Java function; the updater's init opens a "
          + "Redis pool whose connections a snapshot would restore stale, and one warm instance per shard carries "
          + "the low-volume core-data stream (comment above the function)"));

  @Test
  void theTemplatePassesEveryRuleSetInEveryRegion() throws Exception {
    Repository.Result lint = CfnLint.lint(Repository.TEMPLATE);

    assertThat(lint.output()).as("cfn-lint findings").isEmpty();
    assertThat(lint.exitCode()).isZero();
  }

  @Test
  void catchesWhatAwsWouldRefuseAndWhatTheOptionalRuleSetsAskFor(@TempDir Path checkout) throws Exception {
    Path template = copy(Repository.TEMPLATE, checkout.resolve("cloudformation/adtrack.yaml"));
    Path script = copy(CfnLint.SCRIPT, checkout.resolve("cloudformation/lint.sh"));
    Path regions = copy(Repository.TEMPLATE_DIR.resolve("regions"), checkout.resolve("cloudformation/regions"));
    // A region without Lambda SnapStart, which the consumer uses.
    Files.writeString(regions, "ap-south-2\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    mutate(template, Map.of(
        // The finding: EC2 refuses an apostrophe in a security group description.
        "GroupDescription: Ad clients to the tracker load balancer",
        "GroupDescription: Ad clients to the tracker's load balancer",
        "      PointInTimeRecoverySpecification:\n", "      PointInTimeRecoverySpecifcation:\n",
        // Informational rule set: a stateful resource without explicit deletion policies.
        "  ConsumerFailureQueue:\n    Type: AWS::SQS::Queue\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n",
        "  ConsumerFailureQueue:\n    Type: AWS::SQS::Queue\n",
        // Without its resource-level ignore, the updater gets the informational SnapStart suggestion.
        "          ignore_checks: [I2530]\n", "          ignore_checks: []\n"));

    Repository.Result lint = Repository.run(List.of("bash", script.toString(), template.toString()));

    assertThat(lint.exitCode()).as(lint.output()).isNotZero();
    assertThat(ruleIds(lint.output())).contains("E3031", "E3002", "I3011", "I2530", "E2530");
    assertThat(lint.output()).contains("Ad clients to the tracker's load balancer", "PointInTimeRecoverySpecifcation",
        "ap-south-2");
  }

  @Test
  void theTemplateIgnoresOnlyTheseRules() throws Exception {
    Map<String, Object> resources = Template.load(Repository.TEMPLATE).resources();
    Map<String, List<String>> ignored = new TreeMap<>();
    resources.forEach((id, resource) -> {
      Object metadata = Template.map(resource).get("Metadata");
      Object lintConfig = metadata == null ? null : Template.map(metadata).get("cfn-lint");
      if (lintConfig != null) {
        ignored.put(id, Template.list(Template.map(Template.map(lintConfig).get("config")).get("ignore_checks"))
            .stream().map(String::valueOf).sorted().toList());
      }
    });

    assertThat(ignored).isEqualTo(IGNORED_RULES.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        entry -> entry.getValue().keySet().stream().sorted().toList())));
  }

  @Test
  void installsCfnLintWithPipWhenNoneIsFound(@TempDir Path directory) throws Exception {
    Path pipCalls = directory.resolve("pip-calls");
    Path bin = standInPython(directory, """
        if [[ $1 == -m && $2 == pip ]]; then
          echo "$*" >> "$PIP_CALLS"
          touch "$INSTALLED"
          echo "Successfully installed cfn-lint-1.51.0"
        elif [[ $1 == -c && $2 == 'import cfnlint' ]]; then
          [[ -e $INSTALLED ]]
        elif [[ $* == *--version* ]]; then
          echo "cfn-lint 1.51.0"
        else
          exit 99
        fi
        """);

    Repository.Result run = CfnLint.run(Map.of("PATH", pathWithoutCfnLint(bin),
        "PIP_CALLS", pipCalls.toString(), "INSTALLED", directory.resolve("installed").toString()),
        List.of("--install"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("cfn-lint not found: installing it").endsWith("cfn-lint 1.51.0 (python3)\n");
    assertThat(Files.readAllLines(pipCalls)).containsExactly(
        "-m pip install --user --disable-pip-version-check cfn-lint>=1.51,<2");
  }

  @Test
  void saysInOneLineWhatToDoWhenCfnLintCannotBeInstalled(@TempDir Path directory) throws Exception {
    Path bin = standInPython(directory, """
        if [[ $1 == -m && $2 == pip ]]; then
          echo "error: externally-managed-environment"
          echo
          echo "x This environment is externally managed"
          exit 1
        fi
        exit 1
        """);

    Repository.Result run = CfnLint.run(Map.of("PATH", pathWithoutCfnLint(bin)), List.of());

    assertThat(run.exitCode()).isEqualTo(3);
    List<String> lines = run.output().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("cloudformation/lint.sh: cfn-lint is not installed and 'python3 -m pip "
        + "install --user cfn-lint>=1.51,<2' failed (error: externally-managed-environment); install cfn-lint 1.x");
  }

  /** A directory holding a python3 stand-in with this body; the rest of the machine's PATH follows it. */
  private static Path standInPython(Path directory, String body) throws Exception {
    Path bin = Files.createDirectories(directory.resolve("bin"));
    Path python = bin.resolve("python3");
    Files.writeString(python, "#!/usr/bin/env bash\n" + body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  /** The stand-in first, then this machine's PATH without the directories that hold a cfn-lint. */
  private static String pathWithoutCfnLint(Path standIn) {
    return standIn + File.pathSeparator + Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
        .filter(directory -> !Files.exists(Path.of(directory, "cfn-lint")))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static List<String> ruleIds(String output) {
    return output.lines().filter(line -> line.matches("^[EWI]\\d{4} .*")).map(line -> line.substring(0, 5))
        .distinct().toList();
  }

  private static void mutate(Path file, Map<String, String> replacements) throws Exception {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    for (Map.Entry<String, String> replacement : replacements.entrySet()) {
      assertThat(text).as("the template to mutate").contains(replacement.getKey());
      text = text.replace(replacement.getKey(), replacement.getValue());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static Path copy(Path source, Path target) throws Exception {
    Files.createDirectories(target.getParent());
    return Files.copy(source, target);
  }
}
