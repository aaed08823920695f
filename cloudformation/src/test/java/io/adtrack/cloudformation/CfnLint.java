package io.adtrack.cloudformation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AWS's cfn-lint, run through cloudformation/lint.sh: every rule set (errors, warnings, informational,
 * experimental) for every region in cloudformation/regions.
 */
final class CfnLint {

  static final Path SCRIPT = Repository.TEMPLATE_DIR.resolve("lint.sh");

  private CfnLint() {
  }

  /** Lints a template; exit code 0 means no finding at all. */
  static Repository.Result lint(Path template) throws IOException, InterruptedException {
    return run(Map.of(), List.of(template.toString()));
  }

  /** Runs lint.sh with these arguments and extra environment variables. */
  static Repository.Result run(Map<String, String> environment, List<String> arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(arguments);
    return Repository.run(command, environment);
  }
}
