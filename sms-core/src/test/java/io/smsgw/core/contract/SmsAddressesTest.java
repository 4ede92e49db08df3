package io.smsgw.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmsAddressesTest {

   @Test
   void perAccountAndPerLinkQueuesFollowTheContract() {
      assertEquals("sms.sp.901234", SmsAddresses.accountQueue("901234"));
      assertEquals("sms.smsc.cmcc1", SmsAddresses.smscLinkQueue("cmcc1"));
      assertEquals("sms.gw.001001", SmsAddresses.gatewayQueue("001001"));
   }
}
