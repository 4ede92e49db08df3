package io.smsgw.core.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The documented mappings of report codes (docs/message-contract.md, "Report codes"). */
class ReportCodesTest {

   @Test
   void receiptErrIsAlwaysThreeCharacters() {
      assertEquals("000", ReportCodes.receiptError(null));
      assertEquals("000", ReportCodes.receiptError(""));
      assertEquals("005", ReportCodes.receiptError("5"));
      assertEquals("069", ReportCodes.receiptError("069"));
      assertEquals("011", ReportCodes.receiptError("0011"));
      assertEquals("999", ReportCodes.receiptError("1024"), "an SMSC's vendor status over 999");
      assertEquals("999", ReportCodes.receiptError("65535"), "a 5-digit network error code");
      assertEquals("999", ReportCodes.receiptError("99999999999999999999"));
      assertEquals("001", ReportCodes.receiptError("IB:0001"), "a CMPP code's digits");
      assertEquals("005", ReportCodes.receiptError("MB:0005"));
      assertEquals("999", ReportCodes.receiptError("MB:1078"));
      assertEquals("999", ReportCodes.receiptError("MK:00A1"));
      assertEquals("0A1", ReportCodes.receiptError("0A1"), "3 characters stay as they are");
      assertEquals("999", ReportCodes.receiptError("E12345"));
      assertEquals("999", ReportCodes.receiptError("A B"));
   }

   @Test
   void networkCodesMeanAState() {
      assertTrue(ReportCodes.isNetworkCode("MB:0005"));
      assertTrue(ReportCodes.isNetworkCode("ib:0001"));
      assertFalse(ReportCodes.isNetworkCode("DELIVRD"));
      assertFalse(ReportCodes.isNetworkCode("MB:05"));
      assertFalse(ReportCodes.isNetworkCode(null));
      assertEquals(DeliveryState.REJECTD, ReportCodes.state("MB:0011"), "the SMSC refused it");
      for (String code : new String[] {"MA:0000", "MC:0000", "IA:0001", "IB:0001", "IC:0001", "SA:0001", "SB:0001", "CB:0001", "DB:0001"}) {
         assertEquals(DeliveryState.UNDELIV, ReportCodes.state(code), code);
      }
      assertEquals(DeliveryState.UNKNOWN, ReportCodes.state("DELIVRD"));
   }

   @Test
   void smscRefusalsAreMbWithTheStatusInDecimal() {
      assertEquals("MB:0011", ReportCodes.smscRefusal(0x0B));
      assertEquals("MB:1024", ReportCodes.smscRefusal(0x400));
      assertEquals("MB:9999", ReportCodes.smscRefusal(0x10000));
      assertEquals("MB:9999", ReportCodes.smscRefusal(-1));
   }

   @Test
   void smscSequenceIsANumericIdThatFitsAU32() {
      assertEquals(0, ReportCodes.smscSequence(null));
      assertEquals(123456, ReportCodes.smscSequence("123456"));
      assertEquals(4294967295L, ReportCodes.smscSequence("4294967295"));
      assertEquals(0, ReportCodes.smscSequence("4294967296"));
      assertEquals(0xa1b, ReportCodes.smscSequence("a1b"));
      assertEquals(0xffffffffL, ReportCodes.smscSequence("FFFFFFFF"));
      assertEquals(0, ReportCodes.smscSequence("1ffffffff"));
      assertEquals(0, ReportCodes.smscSequence("id-1"));
      assertEquals(0, ReportCodes.smscSequence("１２"), "full-width digits are no number");
   }
}
