package io.adtrack.cloudformation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the npm cfn-lint with the current resource specification (cloudformation/cfn-lint.js). */
final class CfnLint {

  /**
   * Parameter values for the branches the defaults leave out. cfn-lint checks conditional resources whatever their
   * condition, so the HTTPS listener's certificate must look like an ARN in every run.
   */
  static final String CERTIFICATE =
      "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  private CfnLint() {
  }

  static Repository.Result validate(Path template, Map<String, String> parameters)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", Repository.TEMPLATE_DIR.resolve("cfn-lint.js").toString(),
        Repository.NODE_MODULES.toString(), template.toString()));
    if (!parameters.isEmpty()) {
      command.add("--parameters");
      command.add(String.join(",", parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .sorted().toList()));
    }
    return Repository.run(command);
  }
}
