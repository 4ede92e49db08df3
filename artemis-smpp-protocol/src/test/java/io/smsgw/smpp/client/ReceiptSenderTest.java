package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The number comparison that decides whether a receipt text with esm_class 0 comes from its MT's recipient. */
class ReceiptSenderTest {

   @Test
   void theFormsOfOneNumberAreTheSameNumber() {
      for (String form : new String[] {"13800138000", "8613800138000", "+8613800138000", "008613800138000"}) {
         assertTrue(ReceiptSender.sameNumber(form, "13800138000"), form);
         assertTrue(ReceiptSender.sameNumber("+8613800138000", form), form);
      }
      assertTrue(ReceiptSender.sameNumber("10086", "8610086"));
      assertTrue(ReceiptSender.sameNumber("01012345678", "+861012345678"), "national trunk 0");
      assertTrue(ReceiptSender.sameNumber("+447700900123", "00447700900123"));
      assertTrue(ReceiptSender.sameNumber("MyBank", "MyBank"));
   }

   @Test
   void otherNumbersAndNoNumberAreNot() {
      assertFalse(ReceiptSender.sameNumber("8613900139000", "8613800138000"));
      assertFalse(ReceiptSender.sameNumber("13800138000", "1380013800"), "a digit less");
      assertFalse(ReceiptSender.sameNumber("138001380001", "13800138000"), "a digit more");
      assertFalse(ReceiptSender.sameNumber("", ""));
      assertFalse(ReceiptSender.sameNumber("+86", "86"));
      assertFalse(ReceiptSender.sameNumber(null, "13800138000"));
   }
}
