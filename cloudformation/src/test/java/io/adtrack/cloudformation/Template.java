package io.adtrack.cloudformation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed CloudFormation template with the few look-ups the contract checks need. Its maps are SnakeYAML's own and
 * mutable, so a test can load a fresh copy and break it on purpose.
 */
final class Template {

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9]+)[.}]");

  private final Map<String, Object> root;

  private Template(Map<String, Object> root) {
    this.root = root;
  }

  static Template load(Path file) throws IOException {
    return new Template(CfnYaml.load(file));
  }

  Map<String, Object> resources() {
    return map(root.get("Resources"));
  }

  Map<String, Object> outputs() {
    return map(root.get("Outputs"));
  }

  Map<String, Object> parameters() {
    return map(root.get("Parameters"));
  }

  /** A resource's whole definition (Type, Properties, DeletionPolicy, Metadata, ...). */
  Map<String, Object> definition(String logicalId) {
    Map<String, Object> resource = map(resources().get(logicalId));
    if (resource == null) {
      throw new AssertionError("no resource " + logicalId);
    }
    return resource;
  }

  /** The parameter a value is a Ref to, or null. */
  String referencedParameter(Object value) {
    return value instanceof Map<?, ?> function && function.get("Ref") instanceof String name
        && parameters().containsKey(name) ? name : null;
  }

  /** Logical ids of the resources of a type. */
  Set<String> idsOfType(String type) {
    return propertiesOfType(type).keySet();
  }

  /** Properties of each resource of the given type, by logical id. */
  Map<String, Map<String, Object>> propertiesOfType(String type) {
    Map<String, Map<String, Object>> found = new LinkedHashMap<>();
    resources().forEach((id, resource) -> {
      Map<String, Object> definition = map(resource);
      if (type.equals(definition.get("Type"))) {
        found.put(id, map(definition.getOrDefault("Properties", Map.of())));
      }
    });
    return found;
  }

  Map<String, Object> properties(String logicalId) {
    return map(definition(logicalId).get("Properties"));
  }

  /** The one resource of a type (failing when there are none or several). */
  Map<String, Object> single(String type) {
    Map<String, Map<String, Object>> all = propertiesOfType(type);
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one " + type + ", found " + all.keySet());
    }
    return all.values().iterator().next();
  }

  /** The container of this name in the template's one task definition. */
  Map<String, Object> container(String name) {
    return list(single("AWS::ECS::TaskDefinition").get("ContainerDefinitions")).stream().map(Template::map)
        .filter(container -> name.equals(container.get("Name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no container named " + name + " in the task definition"));
  }

  /** Logical ids of this template's resources that an expression refers to (Ref, GetAtt, Sub). */
  Set<String> referencedResources(Object expression) {
    Set<String> names = new LinkedHashSet<>();
    collectReferences(expression, names);
    names.retainAll(resources().keySet());
    return names;
  }

  private static void collectReferences(Object expression, Set<String> names) {
    if (expression instanceof Map<?, ?> function) {
      function.forEach((key, argument) -> {
        if ("Ref".equals(key)) {
          names.add(String.valueOf(argument));
        } else if ("Fn::GetAtt".equals(key)) {
          names.add(String.valueOf(list(argument).get(0)));
        } else if ("Fn::Sub".equals(key)) {
          Object text = argument instanceof List<?> withVariables ? withVariables.get(0) : argument;
          Matcher variable = SUB_VARIABLE.matcher(String.valueOf(text));
          while (variable.find()) {
            names.add(variable.group(1));
          }
          if (argument instanceof List<?> withVariables) {
            collectReferences(withVariables.get(1), names);
          }
        } else {
          collectReferences(argument, names);
        }
      });
    } else if (expression instanceof List<?> items) {
      items.forEach(item -> collectReferences(item, names));
    }
  }

  /** The text of a literal or of a Fn::Sub (without its variable map). */
  static String subText(Object value) {
    if (value instanceof Map<?, ?> function && function.containsKey("Fn::Sub")) {
      Object argument = function.get("Fn::Sub");
      return String.valueOf(argument instanceof List<?> withVariables ? withVariables.get(0) : argument);
    }
    return String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  /** A list, or a one-element list for the single values IAM allows in place of a list. */
  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value instanceof List<?> items ? (List<Object>) items : List.of(value);
  }
}
