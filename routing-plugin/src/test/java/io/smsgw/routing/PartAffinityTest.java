package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smsgw.core.config.RouteConfig;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

/**
 * Which MT count as parts of a message their submitter split, and how such parts share a weighted route: every part of
 * one message on one link, the messages by the links' weights, and a link going away moving only its own messages.
 */
class PartAffinityTest {

   private static final List<RouteConfig.WeightedLink> ONE_TO_THREE =
      List.of(new RouteConfig.WeightedLink("cmcc1", 1), new RouteConfig.WeightedLink("cmcc2", 3));

   private static Message mt(String source, String destination) {
      CoreMessage m = new CoreMessage(1, 256);
      m.putStringProperty(SmsProperties.SOURCE, source);
      m.putStringProperty(SmsProperties.DESTINATION, destination);
      return m;
   }

   private static Message segment(String destination, int reference, int total, int number) {
      Message m = mt("10086", destination);
      m.putIntProperty(SmsProperties.SEGMENT_REF, reference);
      m.putIntProperty(SmsProperties.SEGMENT_TOTAL, total);
      m.putIntProperty(SmsProperties.SEGMENT_NUMBER, number);
      return m;
   }

   @Test
   void wholeMessagesAreNoParts() {
      assertEquals(PartAffinity.NOT_A_PART, PartAffinity.key(mt("10086", "8613800138000"), "app1"));
      assertEquals(PartAffinity.NOT_A_PART, PartAffinity.key(segment("8613800138000", 7, 1, 1), "app1"), "one part of one");
      Message ports = mt("10086", "8613800138000");
      ports.putBytesProperty(SmsProperties.UDH, new byte[] {0x06, 0x05, 0x04, 0x0B, (byte) 0x84, 0x23, (byte) 0xF0});
      assertEquals(PartAffinity.NOT_A_PART, PartAffinity.key(ports, "app1"), "a port header, no concatenation");
      Message broken = mt("10086", "8613800138000");
      broken.putBytesProperty(SmsProperties.UDH, new byte[] {0x05, 0x00, 0x03, 0x2A, 0x02, 0x03});
      assertEquals(PartAffinity.NOT_A_PART, PartAffinity.key(broken, "app1"), "part 3 of 2 is no concatenation");
   }

   @Test
   void thePartsOfOneMessageShareAKeyWhateverTheirNumber() {
      long first = PartAffinity.key(segment("8613800138000", 300, 3, 1), "app1");
      assertTrue(first >= 0);
      assertEquals(first, PartAffinity.key(segment("8613800138000", 300, 3, 2), "app1"));
      assertEquals(first, PartAffinity.key(segment("8613800138000", 300, 3, 3), "app1"));
      assertNotEquals(first, PartAffinity.key(segment("8613800138000", 301, 3, 1), "app1"), "another reference");
      assertNotEquals(first, PartAffinity.key(segment("8613800138001", 300, 3, 1), "app1"), "another handset");
      assertNotEquals(first, PartAffinity.key(segment("8613800138000", 300, 3, 1), "app2"), "another account");
   }

   @Test
   void anApplicationsPartWithOnlyItsUdhIsAPart() {
      // IE 0x08 (16-bit reference 0x012C = 300), part 2 of 3, behind a port element; no segment properties
      Message udhOnly = mt("10086", "8613800138000");
      udhOnly.putBytesProperty(SmsProperties.UDH,
                               new byte[] {0x0C, 0x05, 0x04, 0x0B, (byte) 0x84, 0x23, (byte) 0xF0, 0x08, 0x04, 0x01, 0x2C, 0x03, 0x02});
      assertEquals(PartAffinity.key(segment("8613800138000", 300, 3, 1), "app1"), PartAffinity.key(udhOnly, "app1"),
                   "the same message as the part whose segment properties say reference 300 of 3");
   }

   @Test
   void messagesShareTheLinksByWeightAndALinkGoingAwayMovesOnlyItsOwn() {
      List<RouteConfig.WeightedLink> three = List.of(new RouteConfig.WeightedLink("cmcc1", 1),
         new RouteConfig.WeightedLink("cmcc2", 3), new RouteConfig.WeightedLink("cmcc3", 2));
      Map<String, Integer> shares = new HashMap<>();
      int moved = 0;
      int messages = 12_000;
      for (int i = 0; i < messages; i++) {
         long key = PartAffinity.key(segment("86138" + (10_000_000 + i % 400), i % 256, 2 + i % 3, 1), "app1");
         String link = PartAffinity.pick(three, key);
         shares.merge(link, 1, Integer::sum);
         String withoutThree = PartAffinity.pick(ONE_TO_THREE, key);
         if (!link.equals("cmcc3") && !link.equals(withoutThree)) {
            moved++;
         }
      }
      // 1:3:2 of 12,000 is 2,000 / 6,000 / 4,000
      assertTrue(Math.abs(shares.get("cmcc1") - 2_000) < 300, shares.toString());
      assertTrue(Math.abs(shares.get("cmcc2") - 6_000) < 300, shares.toString());
      assertTrue(Math.abs(shares.get("cmcc3") - 4_000) < 300, shares.toString());
      assertEquals(0, moved, "cmcc3 gone: the messages of cmcc1 and cmcc2 stay where they were");
   }
}
