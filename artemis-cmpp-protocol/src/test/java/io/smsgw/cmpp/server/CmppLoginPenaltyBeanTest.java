package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP locked out after a secret change: the operator finds its address and account on the CMPP acceptor's
 * failed-login bean (platform MBeanServer, as JMX, Jolokia and the console see it), clears them, and the SP's next
 * CONNECT with the new secret is taken at once instead of after the minute's penalty. The SP connects from 127.0.0.6.
 */
class CmppLoginPenaltyBeanTest {

   private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

   @TempDir
   Path dir;

   private static ObjectName bean() throws Exception {
      return new ObjectName("org.apache.activemq.artemis:broker=\"test-broker\",component=sms-login-penalties,name=\"cmpp\",protocol=\"CMPP\"");
   }

   private static String[] list() {
      try {
         return (String[]) JMX.invoke(bean(), "listFailedLogins", new Object[0], new String[0]);
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   private static Object invoke(String operation, String argument) throws Exception {
      return JMX.invoke(bean(), operation, new Object[] {argument}, new String[] {String.class.getName()});
   }

   @Test
   void anOperatorSeesThePenalizedSpOnTheBeanAndClearsItSoItsNewSecretConnectsAtOnce() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppAuthFailureLimit=2;cmppAuthFailureWindow=60s;cmppAuthFailureDelay=60s")
         .configure(cfg -> cfg.setJMXManagementEnabled(true)).start()) {
         assertEquals(2, JMX.getAttribute(bean(), "AuthFailureLimit"));
         assertEquals(60_000L, JMX.getAttribute(bean(), "AuthFailureDelay"));
         assertEquals(60_000L, JMX.getAttribute(bean(), "MaxPenalty"));
         assertEquals("cmpp", JMX.getAttribute(bean(), "Acceptor"));

         for (int i = 0; i < 2; i++) {
            try (RawCmppClient sp = new RawCmppClient("127.0.0.6", broker.port())) {
               assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, sp.connect("901234", "oldsecret", 0x30).status());
            }
         }
         try (RawCmppClient sp = new RawCmppClient("127.0.0.6", broker.port())) {
            sp.sendConnect("901234", "oldsecret", 0x30); // the third failure: a 60 s penalty, the SP gives up
            Wait.until("the address penalized on the bean", Duration.ofSeconds(10),
                       () -> Arrays.stream(list()).anyMatch(line -> line.startsWith("address 127.0.0.6: 3 failures")));
         }
         String[] lines = list();
         assertEquals(2, lines.length, Arrays.toString(lines));
         assertTrue(lines[0].matches("address 127\\.0\\.0\\.6: 3 failures, the last at \\S+Z; penalized until \\S+Z"), lines[0]);
         assertTrue(lines[1].matches("account 901234: 3 failures, the last at \\S+Z; penalized until \\S+Z"), lines[1]);
         assertEquals(1L, JMX.getAttribute(bean(), "LoginsPenalized"));

         assertEquals(true, invoke("clearAddress", "127.0.0.6"));
         assertEquals(true, invoke("clearAccount", "901234"));
         assertEquals(false, invoke("clearAccount", "901234"));
         assertArrayEquals(new String[0], list());
         try (RawCmppClient sp = new RawCmppClient("127.0.0.6", broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, sp.connect("901234", "secret", 0x30).status(), "taken at once, not after the minute");
         }
      }
      assertFalse(JMX.isRegistered(bean()), "removed when the broker stops");
   }
}
