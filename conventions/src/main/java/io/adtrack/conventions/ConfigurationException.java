package io.adtrack.conventions;

/**
 * A setting the process cannot run with. The message is the one line a deployable prints before it exits with code
 * 2 (or a Lambda fails its init): it names the variable, and never repeats a value that may hold a secret.
 */
public final class ConfigurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String variable;

  public ConfigurationException(String variable, String message) {
    super(message);
    this.variable = variable;
  }

  /** The environment variable to fix. */
  public String variable() {
    return variable;
  }

  /**
   * The line for an AWS SDK client that could not be built from the environment: the SDK resolves the endpoints
   * itself (AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL, the profile), and its message names the variable of a
   * malformed one. (A missing region is no such failure: see {@link AwsRegion}.)
   */
  public static ConfigurationException fromAwsClient(RuntimeException failure) {
    return new ConfigurationException(null, String.valueOf(failure.getMessage()));
  }
}
