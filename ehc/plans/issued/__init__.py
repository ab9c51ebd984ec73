"""An EHC plan once issued: issuing a draft or a final (the clock's step, the PDF in Items to view), the
next version started from an issued one, and reading and comparing the issued versions (staff and family)."""
