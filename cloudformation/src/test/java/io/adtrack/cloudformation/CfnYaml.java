package io.adtrack.cloudformation;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation YAML template into plain maps and lists, turning the short-form tags into their long form
 * ({@code !Ref X} becomes {@code {Ref: X}}, {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A, B]}}), as
 * CloudFormation itself does.
 */
final class CfnYaml {

  private static final List<String> FUNCTIONS = List.of(
      "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
      "Transform", "And", "Equals", "If", "Not", "Or");

  private CfnYaml() {
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(Path template) throws IOException {
    try (Reader reader = Files.newBufferedReader(template, StandardCharsets.UTF_8)) {
      return (Map<String, Object>) new Yaml(new IntrinsicConstructor()).load(reader);
    }
  }

  /** SnakeYAML's safe constructor plus one construct per CloudFormation tag. */
  private static final class IntrinsicConstructor extends SafeConstructor {

    IntrinsicConstructor() {
      super(new LoaderOptions());
      yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
      for (String function : FUNCTIONS) {
        yamlConstructors.put(new Tag("!" + function), new Intrinsic("Fn::" + function));
      }
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String name;

      Intrinsic(String name) {
        this.name = name;
      }

      @Override
      public Object construct(Node node) {
        Object argument;
        if (node instanceof ScalarNode scalar) {
          argument = constructScalar(scalar);
        } else if (node instanceof SequenceNode sequence) {
          argument = constructSequence(sequence);
        } else {
          argument = constructMapping((MappingNode) node);
        }
        // The short form of GetAtt is "Resource.Attribute", where the attribute may itself contain dots.
        if ("Fn::GetAtt".equals(name) && argument instanceof String dotted) {
          argument = List.of(dotted.split("\\.", 2));
        }
        return Map.of(name, argument);
      }
    }
  }
}
