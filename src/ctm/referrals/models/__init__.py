from ctm.referrals.models.referral import Referral, ReferralSettings

__all__ = ["Referral", "ReferralSettings"]
