package io.smsgw.examples.multigateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example's configuration templates (class-path folder {@value #FOLDER}): {@code broker.xml}, shared by every
 * gateway, and one {@code <site>.conf} per gateway in the format of {@code sms-gateway.conf}. Rendering replaces
 * each {@code @token@} with its port; a token without a value is an error, so a template and
 * {@link TopologyPorts} cannot drift apart unnoticed.
 */
final class TemplateFiles {

   static final String FOLDER = "multi-gateway/";
   static final String BROKER_XML = "broker.xml";

   private static final Pattern TOKEN = Pattern.compile("@([a-z.-]+)@");

   private TemplateFiles() {
   }

   /** Renders the template {@code name} with {@code tokens} into {@code target} (folders created). */
   static Path render(String name, Map<String, String> tokens, Path target) {
      String text = fill(read(name), tokens, name);
      try {
         Files.createDirectories(target.getParent());
         Files.writeString(target, text, StandardCharsets.UTF_8);
         return target;
      } catch (IOException e) {
         throw new UncheckedIOException("Cannot write " + target, e);
      }
   }

   static String fill(String template, Map<String, String> tokens, String name) {
      Matcher matcher = TOKEN.matcher(template);
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
         String value = tokens.get(matcher.group(1));
         if (value == null) {
            throw new IllegalStateException("Template " + name + ": no value for @" + matcher.group(1) + "@");
         }
         matcher.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      matcher.appendTail(out);
      return out.toString();
   }

   private static String read(String name) {
      try (InputStream in = TemplateFiles.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
         if (in == null) {
            throw new IllegalStateException("No template " + FOLDER + name + " on the class path");
         }
         return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
         throw new UncheckedIOException("Cannot read the template " + name, e);
      }
   }
}
