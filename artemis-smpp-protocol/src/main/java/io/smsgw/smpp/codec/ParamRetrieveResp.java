package io.smsgw.smpp.codec;

/** param_retrieve_resp (SMPP 3.3 only): param_value C101, the parameter's value as text. */
public record ParamRetrieveResp(int sequenceNumber, int commandStatus, String paramValue) implements SmppResponse {

    public ParamRetrieveResp {
        paramValue = Fields.str(paramValue);
    }

    @Override
    public int commandId() {
        return SmppCommandId.PARAM_RETRIEVE_RESP;
    }
}
