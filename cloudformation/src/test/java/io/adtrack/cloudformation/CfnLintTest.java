package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** cfn-lint, with the current CloudFormation spec, accepts every template and rejects a misspelled property. */
class CfnLintTest {

  static Stream<Arguments> templatesAndConditionBranches() throws IOException {
    List<Map<String, String>> branches = List.of(
        Map.of("CertificateArn", CfnLint.CERTIFICATE),
        Map.of("CertificateArn", CfnLint.CERTIFICATE, "StreamMode", "PROVISIONED", "AlarmEmail", "ops@example.com"));
    return Repository.templates().stream()
        .flatMap(template -> branches.stream().map(parameters -> Arguments.of(template.getFileName(), parameters)));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("templatesAndConditionBranches")
  void cfnLintAcceptsTheTemplate(Path template, Map<String, String> parameters) throws Exception {
    Repository.Result lint = CfnLint.validate(Repository.TEMPLATE_DIR.resolve(template), parameters);

    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).contains("0 crit", "Template valid!");
  }

  @Test
  void cfnLintRejectsAMisspelledProperty(@TempDir Path directory) throws Exception {
    String original = Files.readString(Repository.TEMPLATE, StandardCharsets.UTF_8);
    assertThat(original).contains("      SnapStart:\n");
    Path corrupted = directory.resolve("corrupted.yaml");
    Files.writeString(corrupted, original.replace("      SnapStart:\n", "      SnapStrat:\n"), StandardCharsets.UTF_8);

    Repository.Result lint = CfnLint.validate(corrupted, Map.of("CertificateArn", CfnLint.CERTIFICATE));

    assertThat(lint.exitCode()).isEqualTo(1);
    assertThat(lint.output()).contains("SnapStrat is not a valid property of AWS::Lambda::Function");
  }
}
