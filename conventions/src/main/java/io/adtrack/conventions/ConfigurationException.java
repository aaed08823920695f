package io.adtrack.conventions;

/**
 * A setting the process cannot run with. The message is the one line a deployable prints before it exits with code
 * 2 (or a Lambda fails its init): it names the variable, and never repeats a value that may hold a secret.
 */
public final class ConfigurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;
  private static final String SDK_REGION_FAILURE = "Unable to load region";

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
   * The line for an AWS SDK client that could not be built from the environment. The SDK resolves the region and
   * the endpoints itself (AWS_REGION, AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL, the profile); its own
   * message names the variable of a bad endpoint, but lists its whole provider chain for a missing region.
   */
  public static ConfigurationException fromAwsClient(RuntimeException failure) {
    String message = String.valueOf(failure.getMessage());
    if (message.startsWith(SDK_REGION_FAILURE)) {
      return new ConfigurationException("AWS_REGION",
          "AWS_REGION is not set and the AWS profile names no region: set AWS_REGION");
    }
    return new ConfigurationException(null, message);
  }
}
