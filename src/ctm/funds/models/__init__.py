from ctm.funds.models.fund import Fund
from ctm.funds.models.request import BudgetLine, Disbursement, FundDocument, FundRequest

__all__ = ["BudgetLine", "Disbursement", "Fund", "FundDocument", "FundRequest"]
