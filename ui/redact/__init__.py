"""区分处理 and 清理发布稿 in the window: a dialog that previews what will be withheld, and the
two actions in the 审核 menu (`install_actions`)."""
