package io.smsgw.smpp.codec;

/**
 * param_retrieve (SMPP 3.3 only): param_name C31, the name of an SMSC configuration parameter.
 * Layout taken from the SMPP 3.3 specification (also what omk smppapi implements).
 */
public record ParamRetrieve(int sequenceNumber, String paramName) implements SmppRequest {

    public ParamRetrieve {
        paramName = Fields.str(paramName);
    }

    @Override
    public int commandId() {
        return SmppCommandId.PARAM_RETRIEVE;
    }

    public ParamRetrieveResp response(int status, String paramValue) {
        return new ParamRetrieveResp(sequenceNumber, status, paramValue);
    }

    @Override
    public ParamRetrieveResp errorResponse(int status) {
        return response(status, "");
    }
}
