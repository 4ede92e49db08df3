package io.smsgw.examples.multigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What the example's console answers to input it cannot act on: each is refused with a sentence, before it
 * reaches the topology (so none is needed here; the commands that act are exercised by the scenario test's
 * topology and the README walk-through).
 */
class ExampleConsoleTest {

   private final ExampleConsole console = new ExampleConsole(null);

   @Test
   void anEmptyLineAnswersNothing() {
      assertEquals("", console.handle("   "));
   }

   @Test
   void anUnknownCommandAnswersWithTheCommandList() {
      String answer = console.handle("send beijing hello");
      assertTrue(answer.startsWith("Unknown command \"send\""), answer);
      assertTrue(answer.contains(ExampleConsole.HELP), answer);
   }

   @Test
   void anMoWithoutTextSaysHowToWriteIt() {
      assertEquals("Usage: mo <gateway> <text>, e.g. mo tianjin Hello Sina", console.handle("mo tianjin"));
   }

   @Test
   void anMoFromAnUnknownGatewayNamesTheGateways() {
      String answer = console.handle("mo shanghai Hello");
      assertEquals("Failed: no gateway \"shanghai\"; the gateways are [tandem, beijing, guangzhou, tianjin, guangxi]", answer);
   }

   @Test
   void theTandemHasNoHandsets() {
      assertEquals("Failed: tandem serves no handsets", console.handle("mo TANDEM Hello"));
   }

   @Test
   void helpListsEveryCommand() {
      String help = console.handle("help");
      for (String command : new String[] {"mo <gateway> <text>", "cut", "restore", "submits", "status"}) {
         assertTrue(help.contains("  " + command), command);
      }
   }
}
