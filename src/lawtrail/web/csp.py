"""The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) on every response but a PDF.

Chrome shows an inline PDF (a document's PDF, 草稿预览) through an internal ``<embed>`` in a page it
makes up with inline styles; the PDF response's own ``object-src 'none'`` and ``style-src`` then
leave the tab blank ("此内容已被屏蔽", crbug.com/271452). A PDF is lawtrail's own rendering and runs
no page script; it keeps ``X-Frame-Options: DENY`` and ``nosniff``.
"""

from csp.middleware import CSPMiddleware


class PolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").partition(";")[0].strip().lower() == "application/pdf":
            return response
        return super().process_response(request, response)
